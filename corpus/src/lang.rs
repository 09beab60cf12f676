//! The languages Consulta answers in, and how they are written in files, commands and platform codes.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// The languages Consulta answers in. The region's practitioners write in Spanish, Portuguese or English;
/// every passage is tagged with one so that answers can prefer the asker's language.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    Es,
    Pt,
    En,
}

impl Lang {
    /// All supported languages, in the order the region uses them most.
    pub const ALL: [Lang; 3] = [Lang::Es, Lang::Pt, Lang::En];

    /// The ISO 639-1 code (`es`, `pt`, `en`), as stored in payloads and JSON.
    pub fn code(self) -> &'static str {
        match self {
            Lang::Es => "es",
            Lang::Pt => "pt",
            Lang::En => "en",
        }
    }
}

impl fmt::Display for Lang {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

impl FromStr for Lang {
    type Err = String;

    /// Accepts the ISO code, with or without a region (`es-CL`, `pt_BR`), in any case.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let primary = s.trim().split(['-', '_']).next().unwrap_or_default();
        match primary.to_ascii_lowercase().as_str() {
            "es" => Ok(Lang::Es),
            "pt" => Ok(Lang::Pt),
            "en" => Ok(Lang::En),
            _ => Err(format!("unsupported language {s:?}: use es, pt or en")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_codes_with_regions() {
        assert_eq!("es-CL".parse::<Lang>().unwrap(), Lang::Es);
        assert_eq!("pt_BR".parse::<Lang>().unwrap(), Lang::Pt);
        assert_eq!("EN".parse::<Lang>().unwrap(), Lang::En);
        assert!("fr".parse::<Lang>().unwrap_err().contains("es, pt or en"));
    }
}
