//! Query or passage: e5 was trained with a different prefix on each side of a search.

/// What a text is, for e5's prefixes (`"query: "` / `"passage: "`).
///
/// e5 models are trained asymmetrically: a question and the passage that answers it are embedded
/// with different prefixes, and leaving them out (or mixing them up) measurably hurts retrieval.
/// The embedder adds the prefix itself so callers cannot forget it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Role {
    /// A question or search string typed by a user.
    Query,
    /// A piece of a document that may answer queries.
    Passage,
}

impl Role {
    /// The literal prefix e5 expects before a text of this role.
    pub fn prefix(self) -> &'static str {
        match self {
            Role::Query => "query: ",
            Role::Passage => "passage: ",
        }
    }
}
