//! FAQ edits held back because they contain flagged particulars, so that the form the expert opens
//! again from under the refusal shows what they typed, not the desk's draft they had already edited.
//!
//! A Discord form carries nothing but its fields, and a button's id holds 100 characters: the edit
//! has to wait on the bot's side. It waits in memory only (it may hold the very particulars that
//! were flagged, which have no business in a store that outlives the process), a bounded number at
//! a time; a restart, or too many at once, falls back to the draft, which loses the edit but
//! publishes nothing unread.

use std::collections::VecDeque;
use std::sync::Mutex;

use consulta_desk::{ApprovalDraft, TicketId};

/// Edits kept at once; an expert has one per ticket they are approving, so a desk holds few.
const KEPT: usize = 256;

/// The held edits, by ticket and Discord user, oldest first.
#[derive(Default)]
pub struct HeldEdits {
    held: Mutex<VecDeque<(TicketId, u64, ApprovalDraft)>>,
}

impl HeldEdits {
    /// Keeps `edit` (the refused text, with its flags) as what `user` last typed for its ticket.
    pub fn hold(&self, user: u64, edit: ApprovalDraft) {
        let mut held = self.held.lock().unwrap_or_else(|e| e.into_inner());
        held.retain(|(ticket, by, _)| !(*ticket == edit.ticket && *by == user));
        held.push_back((edit.ticket.clone(), user, edit));
        if held.len() > KEPT {
            held.pop_front();
        }
    }

    /// What `user` last typed for `ticket` and was held, if it still is.
    pub fn edit_of(&self, user: u64, ticket: &TicketId) -> Option<ApprovalDraft> {
        let held = self.held.lock().unwrap_or_else(|e| e.into_inner());
        held.iter()
            .find(|(held_ticket, by, _)| held_ticket == ticket && *by == user)
            .map(|(_, _, edit)| edit.clone())
    }

    /// Lets go of `user`'s edit of `ticket`: it was published, or the expert started over from the
    /// card.
    pub fn release(&self, user: u64, ticket: &TicketId) {
        let mut held = self.held.lock().unwrap_or_else(|e| e.into_inner());
        held.retain(|(held_ticket, by, _)| !(held_ticket == ticket && *by == user));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn edit(ticket: &str, question: &str) -> ApprovalDraft {
        ApprovalDraft {
            ticket: ticket.parse().unwrap(),
            question: question.into(),
            answer: "A".into(),
            particulars: Vec::new(),
        }
    }

    #[test]
    fn the_latest_edit_of_each_expert_is_kept_and_the_oldest_goes_first() {
        let held = HeldEdits::default();
        let ticket: TicketId = "K7P2Q".parse().unwrap();
        held.hold(1, edit("K7P2Q", "first"));
        held.hold(1, edit("K7P2Q", "second"));
        held.hold(2, edit("K7P2Q", "hers"));
        assert_eq!(held.edit_of(1, &ticket).unwrap().question, "second");
        assert_eq!(held.edit_of(2, &ticket).unwrap().question, "hers");
        held.release(1, &ticket);
        assert_eq!(held.edit_of(1, &ticket), None);
        for user in 3..3 + KEPT as u64 {
            held.hold(user, edit("K7P2Q", "more"));
        }
        assert_eq!(held.edit_of(2, &ticket), None, "bounded");
    }
}
