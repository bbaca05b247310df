//! Function tools from Rust types: the parameters schema from schemars, the arguments back as
//! the type.

use schemars::JsonSchema;
use serde::de::DeserializeOwned;
use serde_json::{Value, json};

use openrouter_kit_api::types::{ChatFunctionTool, ChatToolCall, OutputFunctionCallItem, ResponsesRequestToolsItem};

use crate::Error;
use crate::structured::{decode_output, strict_schema};

/// A function the model may call. Our own type (chat and the Responses API spell tools
/// differently); [`Tool::to_chat`] and [`Tool::to_responses`] give each endpoint's form.
#[derive(Debug, Clone, PartialEq)]
pub struct Tool {
    /// The name the model calls it by.
    pub name: String,
    /// What it does, for the model.
    pub description: String,
    /// The arguments' JSON Schema.
    pub parameters: Value,
    /// Whether the schema is strict-mode compatible (see [`crate::structured`]).
    pub strict: bool,
}

impl Tool {
    /// A function tool whose arguments are `Args`:
    /// `Tool::function::<WeatherArgs>("get_weather", "Current weather in a city")`.
    pub fn function<Args: JsonSchema>(name: impl Into<String>, description: impl Into<String>) -> Self {
        let schema = strict_schema::<Args>();
        Tool { name: name.into(), description: description.into(), parameters: schema.schema, strict: schema.strict }
    }

    /// The chat completions form (`{type: function, function: {name, description, parameters, strict}}`).
    pub fn to_chat(&self) -> ChatFunctionTool {
        let value = json!({"type": "function", "function": {
            "name": self.name, "description": self.description, "parameters": self.parameters, "strict": self.strict,
        }});
        serde_json::from_value(value.clone()).unwrap_or(ChatFunctionTool::Unknown(value))
    }

    /// The Responses API form (`{type: function, name, description, parameters, strict}`).
    pub fn to_responses(&self) -> ResponsesRequestToolsItem {
        let value = json!({
            "type": "function", "name": self.name, "description": self.description,
            "parameters": self.parameters, "strict": self.strict,
        });
        serde_json::from_value(value.clone()).unwrap_or(ResponsesRequestToolsItem::Unknown(value))
    }
}

impl From<Tool> for ChatFunctionTool {
    fn from(tool: Tool) -> Self {
        tool.to_chat()
    }
}

impl From<Tool> for ResponsesRequestToolsItem {
    fn from(tool: Tool) -> Self {
        tool.to_responses()
    }
}

/// A tool call of any endpoint: its name, id and arguments text, and the arguments as a type.
pub trait ToolCallArguments {
    /// The tool's name.
    fn tool_name(&self) -> Option<&str>;
    /// The id the tool's result must answer (`tool_call_id` / `call_id`).
    fn call_id(&self) -> Option<&str>;
    /// The arguments as the model wrote them (JSON text).
    fn arguments_text(&self) -> &str;

    /// The arguments decoded as `T`; [`Error::Output`] with the text and the failing path if
    /// they do not fit.
    fn parse_arguments<T: DeserializeOwned>(&self) -> Result<T, Error> {
        let text = self.arguments_text();
        // A call without arguments is a call with an empty object.
        let text = if text.trim().is_empty() { "{}" } else { text };
        decode_output(Some(text), None, None)
    }
}

impl ToolCallArguments for crate::ToolCall {
    fn tool_name(&self) -> Option<&str> {
        self.name.as_deref()
    }
    fn call_id(&self) -> Option<&str> {
        self.id.as_deref()
    }
    fn arguments_text(&self) -> &str {
        &self.arguments
    }
}

impl ToolCallArguments for ChatToolCall {
    fn tool_name(&self) -> Option<&str> {
        self.function.as_ref()?.name.as_deref()
    }
    fn call_id(&self) -> Option<&str> {
        self.id.as_deref()
    }
    fn arguments_text(&self) -> &str {
        self.function.as_ref().and_then(|f| f.arguments.as_deref()).unwrap_or_default()
    }
}

impl ToolCallArguments for OutputFunctionCallItem {
    fn tool_name(&self) -> Option<&str> {
        self.name.as_deref()
    }
    fn call_id(&self) -> Option<&str> {
        self.call_id.as_deref()
    }
    fn arguments_text(&self) -> &str {
        self.arguments.as_deref().unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use serde::Deserialize;

    use super::*;

    #[allow(dead_code)]
    #[derive(JsonSchema, Deserialize, Debug, PartialEq)]
    struct Weather {
        /// City name.
        city: String,
        unit: Option<String>,
    }

    #[test]
    fn a_tool_from_a_type_for_both_endpoints() {
        let tool = Tool::function::<Weather>("get_weather", "Current weather");
        assert!(matches!(tool.to_chat(), ChatFunctionTool::Function(_)), "typed, not Unknown");
        let chat = serde_json::to_value(tool.to_chat()).unwrap();
        assert_eq!(chat["function"]["name"], "get_weather");
        assert_eq!(chat["function"]["strict"], true);
        assert_eq!(chat["function"]["parameters"]["required"], json!(["city", "unit"]));
        assert_eq!(chat["function"]["parameters"]["properties"]["city"]["description"], "City name.");
        assert!(matches!(tool.to_responses(), ResponsesRequestToolsItem::Function(_)));
        let responses = serde_json::to_value(tool.to_responses()).unwrap();
        assert_eq!((responses["type"].as_str(), responses["name"].as_str()), (Some("function"), Some("get_weather")));
    }

    #[test]
    fn arguments_parse_or_explain() {
        let call = crate::ToolCall {
            index: 0,
            id: Some("c1".into()),
            name: Some("get_weather".into()),
            arguments: r#"{"city":"Paris","unit":null}"#.into(),
            ..Default::default()
        };
        assert_eq!(call.parse_arguments::<Weather>().unwrap(), Weather { city: "Paris".into(), unit: None });
        let bad = crate::ToolCall { arguments: r#"{"town":"Paris"}"#.into(), ..call };
        let err = bad.parse_arguments::<Weather>().unwrap_err();
        let Error::Output(o) = &err else { panic!("{err:?}") };
        assert_eq!(o.content.as_deref(), Some(r#"{"town":"Paris"}"#));
        assert!(err.to_string().contains("city"), "{err}");
    }
}
