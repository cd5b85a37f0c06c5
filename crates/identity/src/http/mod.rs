//! Routes of the identity slice: pages (French, server-rendered) and the JSON API.

mod api;
mod pages;

pub use api::{ApiDoc, routes as api_routes};
pub use pages::routes as page_routes;

/// A local path to return to after login: never another site (`//host`, `https://…`).
fn safe_return_path(candidate: Option<&str>) -> Option<String> {
    candidate.filter(|p| p.starts_with('/') && !p.starts_with("//") && !p.contains('\\')).map(str::to_string)
}

#[cfg(test)]
mod tests {
    use super::safe_return_path;

    #[test]
    fn return_paths_stay_on_the_platform() {
        let cases = [
            (Some("/juvignac/"), Some("/juvignac/")),
            (Some("//evil.example/"), None),
            (Some("https://evil.example/"), None),
            (Some("/\\evil.example"), None),
            (None, None),
        ];
        for (input, expected) in cases {
            assert_eq!(safe_return_path(input).as_deref(), expected, "{input:?}");
        }
    }
}
