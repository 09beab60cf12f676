//! The slash commands, registered per configured guild, and the options they carry.

use consulta_corpus::Lang;
use serenity::all::{CommandDataOption, CommandDataOptionValue, CommandOptionType};
use serenity::builder::{CreateCommand, CreateCommandOption};

use crate::chat::{CommandTexts, texts};

/// Longest question `/ask` accepts; Discord itself allows 6000 characters in an option.
pub const QUESTION_LIMIT: u16 = 2000;
/// Longest answer `/answer` accepts: what the answer form accepts too.
pub const ANSWER_LIMIT: u16 = 4000;

/// The Discord locales whose members see the command picker in Spanish or Portuguese (Spain's and
/// Latin America's Spanish, Brazil's Portuguese). Every other locale, the English ones included, sees
/// the English descriptions Discord takes as the default.
const LOCALES: [(&str, Lang); 3] = [
    ("es-ES", Lang::Es),
    ("es-419", Lang::Es),
    ("pt-BR", Lang::Pt),
];

/// What a command or option is for, in one language of [`texts`].
type Describe = fn(&CommandTexts) -> &'static str;

/// The description `describe` picks, in English and in each of [`LOCALES`].
fn descriptions(
    describe: Describe,
) -> (
    &'static str,
    impl Iterator<Item = (&'static str, &'static str)>,
) {
    let localized = LOCALES
        .into_iter()
        .map(move |(locale, lang)| (locale, describe(&texts(lang).commands)));
    (describe(&texts(Lang::En).commands), localized)
}

/// Command `name`, described by `describe`.
fn command(name: &str, describe: Describe) -> CreateCommand {
    let (english, localized) = descriptions(describe);
    localized.fold(
        CreateCommand::new(name).description(english),
        |command, (locale, text)| command.description_localized(locale, text),
    )
}

/// Option `name` of `kind`, described by `describe`.
fn option(kind: CommandOptionType, name: &str, describe: Describe) -> CreateCommandOption {
    let (english, localized) = descriptions(describe);
    localized.fold(
        CreateCommandOption::new(kind, name, english),
        |option, (locale, text)| option.description_localized(locale, text),
    )
}

/// Every command the bot registers, described in each language the command picker may speak.
pub fn definitions() -> Vec<CreateCommand> {
    let text = CommandOptionType::String;
    vec![
        command("ask", |c| c.ask)
            .add_option(
                option(text, "question", |c| c.ask_question)
                    .required(true)
                    .max_length(QUESTION_LIMIT),
            )
            .add_option(option(CommandOptionType::Boolean, "private", |c| {
                c.ask_private
            })),
        command("expert", |c| c.expert),
        command("lang", |c| c.lang).add_option(
            option(text, "language", |c| c.lang_language)
                .required(true)
                .add_string_choice("Español", "es")
                .add_string_choice("Português", "pt")
                .add_string_choice("English", "en"),
        ),
        command("status", |c| c.status),
        command("forget", |c| c.forget),
        command("answer", |c| c.answer).add_option(
            option(text, "text", |c| c.answer_text)
                .required(true)
                .max_length(ANSWER_LIMIT),
        ),
        command("clarify", |c| c.clarify).add_option(
            option(text, "text", |c| c.clarify_text)
                .required(true)
                .max_length(ANSWER_LIMIT),
        ),
        command("unclaim", |c| c.unclaim),
        command("reopen", |c| c.reopen),
        command("transfer", |c| c.transfer).add_option(
            option(text, "to", |c| c.transfer_to)
                .required(true)
                .max_length(200),
        ),
        command("help", |c| c.help),
    ]
}

/// The text of option `name`, if given.
pub fn string_option<'a>(options: &'a [CommandDataOption], name: &str) -> Option<&'a str> {
    options
        .iter()
        .find(|o| o.name == name)
        .and_then(|o| match &o.value {
            CommandDataOptionValue::String(text) => Some(text.as_str()),
            _ => None,
        })
}

/// The yes/no option `name`; false when not given.
pub fn flag_option(options: &[CommandDataOption], name: &str) -> bool {
    options
        .iter()
        .find(|o| o.name == name)
        .is_some_and(|o| matches!(o.value, CommandDataOptionValue::Boolean(true)))
}
