// One `add` for a plain tool and an async one, no type annotation on the handlers' results, and
// `?` on any `std::error::Error` inside them.
use openrouter_kit::schemars::JsonSchema;
use openrouter_kit::ToolBox;

#[derive(serde::Deserialize, JsonSchema)]
struct Add {
    a: String,
    b: i64,
}

#[derive(serde::Deserialize, JsonSchema)]
struct Weather {
    city: String,
}

fn main() {
    let _tools = ToolBox::new()
        .add("add", "Adds two numbers.", |x: Add| Ok(x.a.parse::<i64>()? + x.b))
        .add("weather", "The weather in a city.", |w: Weather| async move { Ok(format!("sunny in {}", w.city)) })
        .add_sync("negate", "Negates a number.", |x: Add| Ok(-x.b));
}
