//! E-mail addresses as written in text: the knowledge base publishes institutions' addresses, and
//! the desk flags a person's before an answer is published, so both read an address the same way.

/// Whether `word` (already cut from its surrounding punctuation) is an e-mail address: a name, one
/// `@`, and a domain with a dot inside it (`A6.4mechanism-info@unfccc.int`).
///
/// ```
/// use consulta_corpus::is_email_address;
///
/// assert!(is_email_address("Article-6-Reviews@unfccc.int"));
/// assert!(!is_email_address("@unfccc.int"));
/// assert!(!is_email_address("name@unfccc."));
/// assert!(!is_email_address("name@localhost"));
/// ```
pub fn is_email_address(word: &str) -> bool {
    let Some((local, domain)) = word.split_once('@') else {
        return false;
    };
    !local.is_empty()
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !domain.contains('@')
}
