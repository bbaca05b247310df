"""The OpenAI Python SDK (nobody here wrote it) against the standalone mock.

Run by acceptance/run, which installs the SDK into a temporary folder and starts the mock with
acceptance/script.json. Every call must succeed, and what comes back must be the SDK's own
types all the way down: an event or object the SDK could not match to its types is a failure,
not a success with a blank in it. Prints `openai-python: N calls, N passed, M failed`.
"""

import sys

import openai
from openai import OpenAI
from pydantic import BaseModel

URL = sys.argv[1]
client = OpenAI(base_url=URL, api_key="sk-or-v1-acceptance", max_retries=0, timeout=20)
results = []


def call(name):
    def wrap(fn):
        try:
            detail = fn()
            results.append((name, None))
            print(f"  ok    {name}: {detail}")
        except Exception as e:  # noqa: BLE001 - every failure is reported, none stops the run
            results.append((name, e))
            print(f"  FAIL  {name}: {type(e).__name__}: {e}")
        return fn

    return wrap


def known(obj, where):
    """Fails if the SDK left a value it could not type (a plain dict/BaseModel where a type was due)."""
    from openai._models import BaseModel as OpenAIModel

    if not isinstance(obj, OpenAIModel):
        raise AssertionError(f"{where}: {type(obj).__name__} is not one of the SDK's types: {obj!r:.200}")
    return obj


MESSAGES = [{"role": "user", "content": "Say hello."}]


@call("chat.completions.create")
def _():
    c = known(client.chat.completions.create(model="openai/gpt-4o", messages=MESSAGES), "completion")
    assert c.choices and c.choices[0].message.content, c
    assert c.usage and c.usage.total_tokens > 0, c.usage
    return repr(c.choices[0].message.content)


@call("chat.completions.create(stream=True)")
def _():
    text, chunks, usage = "", 0, None
    for chunk in client.chat.completions.create(model="openai/gpt-4o", messages=MESSAGES, stream=True):
        known(chunk, "chunk")
        chunks += 1
        for choice in chunk.choices:
            text += choice.delta.content or ""
        usage = chunk.usage or usage
    assert text and usage is not None, (text, usage)
    return f"{chunks} chunks, {text!r}, {usage.total_tokens} tokens"


class City(BaseModel):
    city: str
    country: str


@call("chat.completions.parse")
def _():
    c = client.chat.completions.parse(model="openai/gpt-4o", messages=MESSAGES, response_format=City)
    parsed = c.choices[0].message.parsed
    assert isinstance(parsed, City) and parsed.city == "Paris", parsed
    return repr(parsed)


@call("responses.create")
def _():
    r = known(client.responses.create(model="openai/gpt-4o", input="Say hello."), "response")
    assert r.output_text == "Hello from the mock.", r.output_text
    kinds = [known(item, "output item").type for item in r.output]
    assert kinds == ["reasoning", "message", "function_call"], kinds
    return f"{kinds}, {r.output_text!r}"


RESPONSE_EVENTS = None


@call("responses.create(stream=True)")
def _():
    from openai.types.responses import ResponseStreamEvent  # the SDK's union of event types
    import typing

    members = {t for t in typing.get_args(typing.get_args(ResponseStreamEvent)[0])} if hasattr(typing, "get_args") else set()
    kinds = []
    for event in client.responses.create(model="openai/gpt-4o", input="Say hello.", stream=True):
        known(event, "event")
        if members and type(event) not in members:
            raise AssertionError(f"{event.type}: not one of the SDK's event types ({type(event).__name__})")
        kinds.append(event.type)
    assert kinds[0] == "response.created" and kinds[-1] == "response.completed", kinds
    return f"{len(kinds)} events"


@call("responses.stream() helper")
def _():
    deltas = ""
    with client.responses.stream(model="openai/gpt-4o", input="Say hello.") as stream:
        for event in stream:
            known(event, "event")
            if event.type == "response.output_text.delta":
                deltas += event.delta
        final = stream.get_final_response()
    assert deltas == final.output_text == "Hello from the mock.", (deltas, final.output_text)
    return f"{deltas!r}, {len(final.output)} output items"


@call("models.list")
def _():
    models = list(client.models.list())
    assert models and all(known(m, "model").id for m in models), models
    return f"{len(models)} model(s)"


@call("embeddings.create")
def _():
    e = known(client.embeddings.create(model="openai/text-embedding-3-small", input="hello"), "embeddings")
    assert e.data and len(e.data[0].embedding) > 0, e
    return f"{len(e.data[0].embedding)} dimensions"


failed = [name for name, e in results if e is not None]
print(f"openai-python {openai.__version__}: {len(results)} calls, {len(results) - len(failed)} passed, {len(failed)} failed")
sys.exit(1 if failed else 0)
