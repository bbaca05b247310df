#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| openrouter_fuzz::event_stream(data));
