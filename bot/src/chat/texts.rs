//! The bot's own words in each language, shared by the chat front-ends. Answers and notices from the
//! desk bring their own.

use consulta_corpus::Lang;

/// Everything a chat front-end says by itself, in one language.
pub struct Texts {
    /// Reply to `/start`.
    pub welcome: &'static str,
    /// Reply to `/help`.
    pub help: &'static str,
    /// Added to an answer that escalates, next to the expert button.
    pub low_confidence: &'static str,
    /// Label of the link to a citation's source.
    pub link: &'static str,
    /// Button: the answer helped.
    pub helpful: &'static str,
    /// Button: the answer did not help.
    pub not_helpful: &'static str,
    /// Button: hand the question to an expert.
    pub ask_expert: &'static str,
    /// Button: the same question with more citations.
    pub more_sources: &'static str,
    /// A ticket was opened; `{id}` is its id.
    pub ticket_opened: &'static str,
    /// "Ask an expert" pressed again for a question whose ticket the experts closed; `{id}` is the
    /// ticket.
    pub ticket_already_closed: &'static str,
    /// `/expert` with no earlier question.
    pub no_question_yet: &'static str,
    /// "Ask an expert" pressed by someone other than the asker.
    pub not_your_question: &'static str,
    /// A new ticket refused: the asker already has the most open tickets allowed.
    pub too_many_open: &'static str,
    /// `/ask` with nothing after it.
    pub ask_usage: &'static str,
    /// `/lang` with a missing or unknown language.
    pub lang_usage: &'static str,
    /// `/lang` done.
    pub lang_set: &'static str,
    /// `/status` with no open ticket.
    pub no_tickets: &'static str,
    /// Heading of `/status`.
    pub your_tickets: &'static str,
    /// `/forget` asks first.
    pub forget_confirm: &'static str,
    /// Button: yes, delete.
    pub forget_yes: &'static str,
    /// Button: no, keep.
    pub forget_no: &'static str,
    /// After deleting.
    pub forgotten: &'static str,
    /// After changing one's mind.
    pub kept: &'static str,
    /// A command the bot does not know.
    pub unknown_command: &'static str,
    /// Something other than text in a private chat.
    pub text_only: &'static str,
    /// Too many questions in a short time.
    pub slow_down: &'static str,
    /// Thanks for a rating.
    pub thanks: &'static str,
    /// Our own failure.
    pub sorry: &'static str,
    /// A button pressed by someone other than the person it was shown to.
    pub not_your_button: &'static str,
    /// Said to the asker once their reply to a desk message is on its way to the experts.
    pub reply_sent: &'static str,
    /// `/status` in a group: the list went to the private chat.
    pub status_sent_privately: &'static str,
    /// `/status` in a group from someone the bot cannot write to privately.
    pub status_ask_privately: &'static str,
}

const ES: Texts = Texts {
    welcome: "¡Hola! Soy Consulta. Respondo preguntas sobre el Artículo 6 del Acuerdo de París (ITMO, autorización, ajustes correspondientes, el mecanismo 6.4…) con las fuentes citadas. Escriba su pregunta. /help explica los comandos.",
    help: "Escriba su pregunta y le respondo con fuentes. En grupos, mencióneme o use /ask.\n/ask PREGUNTA — preguntar\n/lang es|pt|en — idioma de las respuestas\n/expert — pasar su última pregunta a una persona experta\n/status — sus tickets abiertos\n/forget — borrar sus datos",
    low_confidence: "Puedo pasar su pregunta a una persona experta con el botón «Preguntar a un experto».",
    link: "fuente",
    helpful: "👍",
    not_helpful: "👎",
    ask_expert: "Preguntar a un experto",
    more_sources: "Más fuentes",
    ticket_opened: "Su pregunta pasó al equipo de expertos (ticket {id}). Recibirá la respuesta aquí.",
    ticket_already_closed: "Los expertos ya cerraron el ticket {id} de esta pregunta. Si aún necesita ayuda, escriba su pregunta de nuevo y pida un experto.",
    no_question_yet: "Aún no me hizo ninguna pregunta: escríbala y luego use /expert.",
    not_your_question: "Solo quien hizo la pregunta puede pasarla a un experto; use /expert después de su propia pregunta.",
    too_many_open: "Ya tiene varias preguntas esperando a un experto; espere sus respuestas antes de pedir otra (/status las muestra).",
    ask_usage: "Escriba la pregunta después del comando, por ejemplo: /ask ¿Qué es un ITMO?",
    lang_usage: "Use /lang es, /lang pt o /lang en.",
    lang_set: "Listo: le responderé en español.",
    no_tickets: "No tiene tickets abiertos.",
    your_tickets: "Sus tickets abiertos:",
    forget_confirm: "¿Borrar sus preguntas y tickets? No se puede deshacer.",
    forget_yes: "Sí, borrar",
    forget_no: "No",
    forgotten: "Listo: borré sus preguntas y tickets.",
    kept: "De acuerdo, no borré nada.",
    unknown_command: "No conozco ese comando. /help muestra los que hay; también puede escribir su pregunta directamente.",
    text_only: "Solo entiendo texto: escriba su pregunta.",
    slow_down: "Recibí muchas preguntas seguidas; espere un minuto antes de la siguiente, por favor.",
    thanks: "¡Gracias!",
    sorry: "Algo falló de mi lado. Intente de nuevo en unos minutos.",
    not_your_button: "Este botón es para quien lo pidió.",
    reply_sent: "Tu respuesta llegó al equipo de expertos.",
    status_sent_privately: "Le envié sus tickets en un chat privado.",
    status_ask_privately: "Sus tickets son privados: escríbame en un chat privado y envíe /status allí.",
};

const PT: Texts = Texts {
    welcome: "Olá! Sou a Consulta. Respondo perguntas sobre o Artigo 6 do Acordo de Paris (ITMO, autorização, ajustes correspondentes, o mecanismo 6.4…) com as fontes citadas. Escreva sua pergunta. /help explica os comandos.",
    help: "Escreva sua pergunta e eu respondo com fontes. Em grupos, mencione-me ou use /ask.\n/ask PERGUNTA — perguntar\n/lang es|pt|en — idioma das respostas\n/expert — passar sua última pergunta a um especialista\n/status — seus tickets abertos\n/forget — apagar seus dados",
    low_confidence: "Posso passar sua pergunta a um especialista com o botão «Perguntar a um especialista».",
    link: "fonte",
    helpful: "👍",
    not_helpful: "👎",
    ask_expert: "Perguntar a um especialista",
    more_sources: "Mais fontes",
    ticket_opened: "Sua pergunta foi para a equipe de especialistas (ticket {id}). Você receberá a resposta aqui.",
    ticket_already_closed: "Os especialistas já fecharam o ticket {id} desta pergunta. Se ainda precisar de ajuda, escreva sua pergunta de novo e peça um especialista.",
    no_question_yet: "Você ainda não fez nenhuma pergunta: escreva-a e depois use /expert.",
    not_your_question: "Só quem fez a pergunta pode passá-la a um especialista; use /expert depois da sua própria pergunta.",
    too_many_open: "Você já tem várias perguntas esperando um especialista; aguarde as respostas antes de pedir outra (/status mostra quais).",
    ask_usage: "Escreva a pergunta depois do comando, por exemplo: /ask O que é um ITMO?",
    lang_usage: "Use /lang es, /lang pt ou /lang en.",
    lang_set: "Pronto: vou responder em português.",
    no_tickets: "Você não tem tickets abertos.",
    your_tickets: "Seus tickets abertos:",
    forget_confirm: "Apagar suas perguntas e tickets? Não é possível desfazer.",
    forget_yes: "Sim, apagar",
    forget_no: "Não",
    forgotten: "Pronto: apaguei suas perguntas e tickets.",
    kept: "Certo, não apaguei nada.",
    unknown_command: "Não conheço esse comando. /help mostra os disponíveis; você também pode escrever sua pergunta diretamente.",
    text_only: "Só entendo texto: escreva sua pergunta.",
    slow_down: "Recebi muitas perguntas seguidas; espere um minuto antes da próxima, por favor.",
    thanks: "Obrigado!",
    sorry: "Algo falhou do meu lado. Tente de novo em alguns minutos.",
    not_your_button: "Este botão é para quem o pediu.",
    reply_sent: "Sua resposta chegou à equipe de especialistas.",
    status_sent_privately: "Enviei seus tickets em um chat privado.",
    status_ask_privately: "Seus tickets são privados: escreva-me em um chat privado e envie /status lá.",
};

const EN: Texts = Texts {
    welcome: "Hello! I am Consulta. I answer questions on Article 6 of the Paris Agreement (ITMOs, authorization, corresponding adjustments, the 6.4 mechanism…) with cited sources. Type your question. /help lists the commands.",
    help: "Type your question and I answer with sources. In groups, mention me or use /ask.\n/ask QUESTION — ask\n/lang es|pt|en — language of the answers\n/expert — hand your last question to an expert\n/status — your open tickets\n/forget — delete your data",
    low_confidence: "I can hand your question to a human expert: press “Ask an expert”.",
    link: "source",
    helpful: "👍",
    not_helpful: "👎",
    ask_expert: "Ask an expert",
    more_sources: "More sources",
    ticket_opened: "Your question went to our experts (ticket {id}). You will get the answer here.",
    ticket_already_closed: "The experts already closed ticket {id} for this question. If you still need help, ask your question again and ask for an expert.",
    no_question_yet: "You have not asked anything yet: type your question, then use /expert.",
    not_your_question: "Only the person who asked can hand this question to an expert; use /expert after your own question.",
    too_many_open: "You already have several questions waiting for an expert; wait for their answers before asking for another (/status lists them).",
    ask_usage: "Put the question after the command, for example: /ask What is an ITMO?",
    lang_usage: "Use /lang es, /lang pt or /lang en.",
    lang_set: "Done: I will answer in English.",
    no_tickets: "You have no open tickets.",
    your_tickets: "Your open tickets:",
    forget_confirm: "Delete your questions and tickets? This cannot be undone.",
    forget_yes: "Yes, delete",
    forget_no: "No",
    forgotten: "Done: your questions and tickets are deleted.",
    kept: "All right, nothing was deleted.",
    unknown_command: "I do not know that command. /help lists the ones I know; you can also just type your question.",
    text_only: "I only understand text: please type your question.",
    slow_down: "That is many questions in a short time; please wait a minute before the next one.",
    thanks: "Thank you!",
    sorry: "Something failed on my side. Please try again in a few minutes.",
    not_your_button: "This button is for the person who asked for it.",
    reply_sent: "Your reply is with the experts.",
    status_sent_privately: "I sent you your tickets in a private chat.",
    status_ask_privately: "Your tickets are private: write to me in a private chat and send /status there.",
};

/// The bot's words in `lang`.
pub fn texts(lang: Lang) -> &'static Texts {
    match lang {
        Lang::Es => &ES,
        Lang::Pt => &PT,
        Lang::En => &EN,
    }
}
