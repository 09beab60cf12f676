//! Short ticket ids people can read aloud and type (`K7P2Q`): from a sequence, permuted so consecutive
//! tickets do not look alike, in an alphabet without look-alike characters.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// Digits and capitals that cannot be misread for one another: no 0/O, 1/I/L, and no U (V/U).
const ALPHABET: &[u8; 30] = b"23456789ABCDEFGHJKMNPQRSTVWXYZ";
const BASE: u128 = ALPHABET.len() as u128;
const MIN_LEN: u32 = 5;
/// Coprime with 30, so multiplying by it permutes every space of `30^len` ids.
const SCRAMBLE: u128 = 7_368_787;
const OFFSET: u128 = 1_234_577;

/// A ticket's id, short enough to type from a phone: five characters such as `K7P2Q`.
///
/// Ids come from a durable counter, scrambled by a bijection so that consecutive tickets do not differ
/// by one character (a typo then rarely lands on a neighbour). Ids never repeat; after 30^5 (24 million)
/// tickets they grow to six characters.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct TicketId(String);

impl TicketId {
    /// The id of the `sequence`-th ticket (0-based).
    pub(crate) fn from_sequence(sequence: u64) -> Self {
        let mut rest = u128::from(sequence);
        let mut len = MIN_LEN;
        let mut space = BASE.pow(len);
        while rest >= space {
            rest -= space;
            len += 1;
            space *= BASE;
        }
        let mut value = (rest * SCRAMBLE + OFFSET) % space;
        let mut chars = vec![b'2'; len as usize];
        for slot in chars.iter_mut().rev() {
            *slot = ALPHABET[(value % BASE) as usize];
            value /= BASE;
        }
        TicketId(chars.into_iter().map(char::from).collect())
    }

    /// The id as typed by people.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for TicketId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl FromStr for TicketId {
    type Err = TicketIdError;

    /// Accepts any case and a leading `#`, as people write ids in chats.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let id = s.trim().trim_start_matches('#').to_ascii_uppercase();
        let valid = id.len() >= MIN_LEN as usize && id.bytes().all(|b| ALPHABET.contains(&b));
        if valid {
            Ok(TicketId(id))
        } else {
            Err(TicketIdError(s.to_string()))
        }
    }
}

impl Serialize for TicketId {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for TicketId {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        String::deserialize(deserializer)?
            .parse()
            .map_err(serde::de::Error::custom)
    }
}

/// Text that is not a ticket id.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "{0:?} is not a ticket id: ids are 5 or more characters from 2-9 and A-Z without I, L, O and U, e.g. K7P2Q"
)]
pub struct TicketIdError(pub String);

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use super::*;

    #[test]
    fn ids_are_unique_short_and_unambiguous() {
        let ids: HashSet<TicketId> = (0..100_000).map(TicketId::from_sequence).collect();
        assert_eq!(ids.len(), 100_000);
        assert!(ids.iter().all(|id| id.as_str().len() == 5));
        assert!(
            ids.iter()
                .all(|id| !id.as_str().contains(['0', 'O', '1', 'I', 'L', 'U']))
        );
    }

    #[test]
    fn consecutive_ids_differ_in_several_characters() {
        let (a, b) = (TicketId::from_sequence(41), TicketId::from_sequence(42));
        let same = a.0.bytes().zip(b.0.bytes()).filter(|(x, y)| x == y).count();
        assert!(same <= 3, "{a} and {b} look alike");
    }

    #[test]
    fn ids_grow_after_the_five_character_space() {
        let first_long = TicketId::from_sequence(30u64.pow(5));
        assert_eq!(first_long.as_str().len(), 6);
        assert_ne!(first_long, TicketId::from_sequence(0));
    }

    #[test]
    fn parsing_is_forgiving_in_case_and_strict_in_alphabet() {
        let id = TicketId::from_sequence(7);
        let typed = format!("#{}", id.as_str().to_lowercase());
        assert_eq!(typed.parse::<TicketId>().unwrap(), id);
        assert!("K7P2O".parse::<TicketId>().is_err());
        assert!(
            "K7P"
                .parse::<TicketId>()
                .unwrap_err()
                .to_string()
                .contains("e.g. K7P2Q")
        );
    }
}
