// A tool's arguments must describe themselves: the error names `JsonSchema` and the type.
use openrouter_kit::ToolBox;

#[derive(serde::Deserialize)]
struct Weather {
    city: String,
}

fn main() {
    let _tools = ToolBox::new().add_sync("weather", "The weather in a city.", |w: Weather| Ok(w.city));
}
