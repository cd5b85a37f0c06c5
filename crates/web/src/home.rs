//! Sections that slices add to an organisation's home page (its subscribed applications, its next
//! sittings…). The identity slice renders the page; each slice renders its own section, already scoped
//! to the organisation whose home it is.

use crate::HtmlError;
use futures::future::BoxFuture;
use store::{Db, OrgScope};

pub trait HomeSection: Send + Sync {
    /// An HTML fragment (a `<section>` with its `<h2>`), escaped by the slice's own template.
    fn render<'a>(&'a self, db: &'a Db, scope: OrgScope, organisation_slug: &'a str) -> BoxFuture<'a, Result<String, HtmlError>>;
}
