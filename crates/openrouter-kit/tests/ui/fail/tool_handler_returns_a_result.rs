// A handler must say whether it failed: returning the bare value is refused with a message that
// says what to return instead.
use openrouter_kit::schemars::JsonSchema;
use openrouter_kit::ToolBox;

#[derive(serde::Deserialize, JsonSchema)]
struct Weather {
    city: String,
}

fn main() {
    let _tools = ToolBox::new().add("weather", "The weather in a city.", |w: Weather| format!("sunny in {}", w.city));
}
