//! Which language the bot's own words take for one person: the one rule every chat front-end
//! follows, so that a reply, a refusal and a stale button agree.

use consulta_corpus::Lang;
use consulta_desk::{ChatRef, DeskConfig};

/// What a chat front-end knows of the languages it is configured for: the askers' default and the
/// desk's languages. Filled by `consulta` from `retrieval.default_language` and `[desk]`, as the
/// desk's own are; not a setting of the front-end's table.
#[derive(Debug, Clone)]
pub struct Languages {
    /// The service's language (`retrieval.default_language`): askers who said nothing of theirs.
    pub askers: Lang,
    /// The desk's languages (`desk.language`, `[desk.chat_languages]`): experts in a desk chat.
    pub desk: DeskConfig,
}

/// Spanish for askers, as most of Consulta's are; the desk's own default.
impl Default for Languages {
    fn default() -> Self {
        Languages {
            askers: Lang::Es,
            desk: DeskConfig::default(),
        }
    }
}

impl Languages {
    /// The language for someone who chose `chosen` with `/lang` and whose client reports `locale`
    /// (when Consulta speaks it), writing in `desk_chat` when it is a chat the desk delivers tickets
    /// to: their choice, else their client's, else the language of the place. A desk chat's is
    /// the one its cards are in, which its experts read already; anywhere else, the service's.
    pub fn pick(
        &self,
        chosen: Option<Lang>,
        locale: Option<Lang>,
        desk_chat: Option<&ChatRef>,
    ) -> Lang {
        chosen.or(locale).unwrap_or_else(|| match desk_chat {
            Some(chat) => self.desk.chat_language(chat),
            None => self.askers,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use consulta_desk::Platform;

    #[test]
    fn a_choice_then_the_client_then_the_place() {
        let group = ChatRef::new(Platform::Telegram, "-100");
        let mut desk = DeskConfig {
            language: Some(Lang::Pt),
            ..DeskConfig::default()
        };
        desk.chat_languages.insert(group.clone(), Lang::En);
        let languages = Languages {
            askers: Lang::Es,
            desk,
        };
        let other = ChatRef::new(Platform::Telegram, "-200");
        assert_eq!(
            languages.pick(Some(Lang::Pt), Some(Lang::Es), Some(&group)),
            Lang::Pt
        );
        assert_eq!(languages.pick(None, Some(Lang::Es), Some(&group)), Lang::Es);
        assert_eq!(languages.pick(None, None, Some(&group)), Lang::En);
        assert_eq!(languages.pick(None, None, Some(&other)), Lang::Pt);
        assert_eq!(languages.pick(None, None, None), Lang::Es);
    }
}
