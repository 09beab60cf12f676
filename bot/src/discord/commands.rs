//! The slash commands, registered per configured guild, and the options they carry.

use serenity::all::{CommandDataOption, CommandDataOptionValue, CommandOptionType};
use serenity::builder::{CreateCommand, CreateCommandOption};

/// Longest question `/ask` accepts; Discord itself allows 6000 characters in an option.
pub const QUESTION_LIMIT: u16 = 2000;
/// Longest answer `/answer` accepts: what the answer form accepts too.
pub const ANSWER_LIMIT: u16 = 4000;

/// Every command the bot registers (descriptions in English, with Spanish and Portuguese
/// localisations so the command picker speaks the member's language).
pub fn definitions() -> Vec<CreateCommand> {
    vec![
        CreateCommand::new("ask")
            .description("Ask about Article 6 of the Paris Agreement")
            .description_localized(
                "es-ES",
                "Preguntar sobre el Artículo 6 del Acuerdo de París",
            )
            .description_localized("pt-BR", "Perguntar sobre o Artigo 6 do Acordo de Paris")
            .add_option(
                CreateCommandOption::new(CommandOptionType::String, "question", "Your question")
                    .description_localized("es-ES", "Su pregunta")
                    .description_localized("pt-BR", "Sua pergunta")
                    .required(true)
                    .max_length(QUESTION_LIMIT),
            )
            .add_option(CreateCommandOption::new(
                CommandOptionType::Boolean,
                "private",
                "Only you see the answer; an expert's answer comes by direct message",
            )),
        CreateCommand::new("expert")
            .description("Hand your last question to a human expert")
            .description_localized("es-ES", "Pasar su última pregunta a una persona experta")
            .description_localized("pt-BR", "Passar sua última pergunta a um especialista"),
        CreateCommand::new("lang")
            .description("The language Consulta answers you in")
            .description_localized("es-ES", "El idioma de las respuestas")
            .description_localized("pt-BR", "O idioma das respostas")
            .add_option(
                CreateCommandOption::new(CommandOptionType::String, "language", "es, pt or en")
                    .required(true)
                    .add_string_choice("Español", "es")
                    .add_string_choice("Português", "pt")
                    .add_string_choice("English", "en"),
            ),
        CreateCommand::new("status")
            .description("Your open tickets")
            .description_localized("es-ES", "Sus tickets abiertos")
            .description_localized("pt-BR", "Seus tickets abertos"),
        CreateCommand::new("forget")
            .description("Delete your questions and tickets")
            .description_localized("es-ES", "Borrar sus preguntas y tickets")
            .description_localized("pt-BR", "Apagar suas perguntas e tickets"),
        CreateCommand::new("answer")
            .description("Experts: answer the asker of this ticket's thread")
            .add_option(
                CreateCommandOption::new(CommandOptionType::String, "text", "The answer")
                    .required(true)
                    .max_length(ANSWER_LIMIT),
            ),
        CreateCommand::new("clarify")
            .description("Experts: ask the asker of this ticket's thread a question first")
            .add_option(
                CreateCommandOption::new(CommandOptionType::String, "text", "The question")
                    .required(true)
                    .max_length(ANSWER_LIMIT),
            ),
        CreateCommand::new("unclaim")
            .description("Experts: put this thread's ticket back in its group's queue"),
        CreateCommand::new("reopen")
            .description("Experts: put this thread's answered or closed ticket back in the queue"),
        CreateCommand::new("transfer")
            .description("Experts: hand this thread's ticket to another expert or group")
            .add_option(
                CreateCommandOption::new(
                    CommandOptionType::String,
                    "to",
                    "expert NAME (a configured expert) or group NAME (a desk group)",
                )
                .required(true)
                .max_length(200),
            ),
        CreateCommand::new("help")
            .description("What Consulta does and how to ask")
            .description_localized("es-ES", "Qué hace Consulta y cómo preguntar")
            .description_localized("pt-BR", "O que a Consulta faz e como perguntar"),
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
