//! What the compiler says about the everyday calls: the ones that once needed an annotation, a
//! `.build()`, a trait import or a `let` now compile (`ui/pass`), and the mistakes that remain
//! mistakes name what is missing (`ui/fail`, their messages in the `.stderr` files beside them;
//! `TRYBUILD=overwrite` rewrites those after a deliberate change).

#[test]
fn everyday_calls_compile_and_mistakes_name_what_is_missing() {
    let t = trybuild::TestCases::new();
    t.pass("tests/ui/pass/*.rs");
    t.compile_fail("tests/ui/fail/*.rs");
}
