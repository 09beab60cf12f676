//! The bot's own words in each language, shared by the chat front-ends: to askers in their
//! language, and to experts (confirmations, usage, a card's buttons) in the expert's own or, in a
//! desk chat several experts share, the chat's. Answers and notices from the desk bring their own.

use consulta_corpus::Lang;
use consulta_desk::TicketId;

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
    /// A button this bot does not (or no longer) know: an old keyboard, a draft gone, a question
    /// forgotten. Said to whoever pressed it, in their language.
    pub stale_button: &'static str,
    /// What each command is for, as the platforms' command menus list them.
    pub commands: CommandTexts,
    /// What the bot says to experts.
    pub desk: DeskTexts,
}

/// The descriptions in the platforms' command menus: Telegram's menu (one per client language) and
/// Discord's slash commands (localised per locale). Discord takes at most 100 characters each.
pub struct CommandTexts {
    /// `/ask`.
    pub ask: &'static str,
    /// `/ask`'s question option (Discord).
    pub ask_question: &'static str,
    /// `/ask`'s private option (Discord).
    pub ask_private: &'static str,
    /// `/expert`.
    pub expert: &'static str,
    /// `/lang`.
    pub lang: &'static str,
    /// `/lang`'s language option (Discord).
    pub lang_language: &'static str,
    /// `/status`.
    pub status: &'static str,
    /// `/forget`.
    pub forget: &'static str,
    /// `/help`.
    pub help: &'static str,
    /// `/answer` (Discord, experts).
    pub answer: &'static str,
    /// `/answer`'s text option.
    pub answer_text: &'static str,
    /// `/clarify` (Discord, experts).
    pub clarify: &'static str,
    /// `/clarify`'s text option.
    pub clarify_text: &'static str,
    /// `/unclaim` (Discord, experts).
    pub unclaim: &'static str,
    /// `/reopen` (Discord, experts).
    pub reopen: &'static str,
    /// `/transfer` (Discord, experts).
    pub transfer: &'static str,
    /// `/transfer`'s target option.
    pub transfer_to: &'static str,
}

/// The desk's refusals of what an expert asked, in the expert's language: the same words in a chat
/// and at the terminal, which adds what to do there ([`TerminalTexts`]). Said by
/// [`crate::chat::DeskRefusal::said`]. In English they read as the desk's own error texts, which logs
/// and the HTTP API keep.
pub struct RefusalTexts {
    /// No ticket `{id}`.
    pub no_such_ticket: &'static str,
    /// `{who}` (an identity) is not a configured expert.
    pub not_an_expert: &'static str,
    /// A transfer to an expert `{name}` the configuration does not have.
    pub unknown_expert: &'static str,
    /// A transfer to a group `{name}` the configuration does not have.
    pub unknown_group: &'static str,
    /// The desk refused an action on ticket `{id}`: `{reason}` is one of the reasons below.
    pub refused: &'static str,
    /// Reason: `{expert}` holds the ticket.
    pub claimed_by: &'static str,
    /// Reason: the expert already holds it.
    pub already_yours: &'static str,
    /// Reason: nobody holds it; `{status}` is its status.
    pub not_claimed: &'static str,
    /// Reason: it is answered.
    pub already_answered: &'static str,
    /// Reason: it is closed.
    pub closed: &'static str,
    /// Reason: nothing to reopen; `{status}` is its status.
    pub not_reopenable: &'static str,
    /// Reason: it cannot change hands in `{status}`.
    pub not_transferable: &'static str,
    /// Reason: `{expert}` already holds it.
    pub same_assignee: &'static str,
    /// Reason: it is already in `{group}`'s queue.
    pub same_group: &'static str,
    /// Reason: the text is empty.
    pub empty_text: &'static str,
    /// Reason: there is no expert answer to approve.
    pub no_answer: &'static str,
    /// Reason, to an asker: the experts have not answered their last `{max}` messages.
    pub too_many_replies: &'static str,
    /// To an asker: `{who}` did not ask the question they act on.
    pub not_the_asker: &'static str,
    /// To an asker: no question `{id}` is recorded.
    pub no_such_question: &'static str,
    /// To an asker: question `{id}` was forgotten.
    pub forgotten_question: &'static str,
    /// To an asker: the question to escalate is empty.
    pub empty_question: &'static str,
    /// To an asker: the reply has `{chars}` characters, over `{max}`.
    pub reply_too_long: &'static str,
    /// To an asker: `{open}` questions wait for an expert already, and `{cap}` is the most.
    pub too_many_open: &'static str,
}

/// What `consulta tickets` says by itself when it cannot do what an expert asked, in the expert's
/// language: the terminal is one more place an expert works in, and its refusals must say what to do
/// as plainly as the chats do. Flags, commands and status names stay as typed. After some of the
/// desk's refusals ([`RefusalTexts`]) it says what to fix where only the terminal's user can: the
/// configuration, or the id they typed.
pub struct TerminalTexts {
    /// No `--as`.
    pub which_expert: &'static str,
    /// `{id}` is not a ticket id.
    pub not_a_ticket_id: &'static str,
    /// `--status {status}` names no status.
    pub unknown_status: &'static str,
    /// `approve` with no text to publish; the draft is shown above it.
    pub nothing_published: &'static str,
    /// `approve` with an answer but no question.
    pub give_question: &'static str,
    /// `approve` with a question but no answer.
    pub give_answer: &'static str,
    /// `approve` with flagged particulars not confirmed: `{warning}` lists them, `{example}` is the
    /// first one, quoted.
    pub unconfirmed: &'static str,
    /// `transfer` with neither `--expert` nor `--group`.
    pub transfer_where: &'static str,
    /// The answer on standard input is not text.
    pub unreadable_stdin: &'static str,
    /// After "no ticket": where the ids are.
    pub check_ticket_id: &'static str,
    /// After "not a configured expert": how one becomes one.
    pub add_expert: &'static str,
    /// After an unknown expert: where their names are.
    pub name_an_expert: &'static str,
    /// After an unknown group: where their names are.
    pub name_a_group: &'static str,
}

/// The bot's words to experts: under a ticket card and on its buttons in a desk chat (in the
/// chat's language), and in what is said to one expert (in theirs). `{id}` is a ticket.
pub struct DeskTexts {
    /// Under every ticket card: the ways of answering on every platform.
    pub card_how_to_answer: &'static str,
    /// Card button: take the ticket.
    pub claim: &'static str,
    /// Card button: the answer form (Discord).
    pub answer: &'static str,
    /// Card button: close the ticket.
    pub close: &'static str,
    /// Card button: start the FAQ edit step.
    pub approve: &'static str,
    /// A claim done; how to answer on the platform follows.
    pub claimed: &'static str,
    /// How to answer on Telegram, said after a claim.
    pub how_to_answer_telegram: &'static str,
    /// How to answer on Discord, said after a claim.
    pub how_to_answer_discord: &'static str,
    /// How to answer from the web chat's side: in the console.
    pub how_to_answer_web: &'static str,
    /// Someone not an expert tried to act on a ticket on Telegram.
    pub not_an_expert_telegram: &'static str,
    /// The same on Discord (role and desk entry).
    pub not_an_expert_discord: &'static str,
    /// The same from the web chat.
    pub not_an_expert_web: &'static str,
    /// An unclaim done.
    pub unclaimed: &'static str,
    /// A close done.
    pub closed: &'static str,
    /// A reopen done.
    pub reopened: &'static str,
    /// A transfer done; `{to}` is where, as the expert wrote it.
    pub transferred: &'static str,
    /// How to say where a transfer goes.
    pub transfer_usage: &'static str,
    /// An expert's answer is in the desk.
    pub answer_recorded: &'static str,
    /// An expert's clarifying question is in the desk.
    pub question_recorded: &'static str,
    /// An answer or clarifying question with no words.
    pub empty_text: &'static str,
    /// An expert writes to their own desk chat as if to ask.
    pub desk_chat: &'static str,
    /// Telegram has no answer form: how to answer the ticket `{id}`.
    pub reply_to_card: &'static str,
    /// Telegram: how to use `/answer`.
    pub answer_usage: &'static str,
    /// Telegram: how to use `/clarify`.
    pub clarify_usage: &'static str,
    /// Telegram: where `/unclaim`, `/reopen` and `/transfer` work.
    pub ticket_command_usage: &'static str,
    /// Telegram: a draft too long for one message.
    pub too_long_for_a_draft: &'static str,
    /// Discord: where `/answer` and `/clarify` work.
    pub answer_where: &'static str,
    /// Discord: where `/unclaim`, `/reopen` and `/transfer` work.
    pub ticket_command_where: &'static str,
    /// Discord: a draft too long for the form's fields.
    pub too_long_for_the_form: &'static str,
    /// Discord: the answer form's title (at most 45 characters with the id).
    pub answer_form_title: &'static str,
    /// Discord: the answer form's field label (at most 45 characters).
    pub answer_form_label: &'static str,
    /// The name of a ticket's forum topic (Telegram, at most 128 characters) or thread (Discord, at
    /// most 100), in the desk chat's language.
    pub topic_name: &'static str,
    /// The desk's refusals of what an expert asked, wherever they asked it.
    pub refusals: RefusalTexts,
    /// What `consulta tickets` says to an expert by itself.
    pub terminal: TerminalTexts,
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
    stale_button: "Este botón ya no sirve; pregunte de nuevo para recibir botones nuevos.",
    commands: CommandTexts {
        ask: "Preguntar sobre el Artículo 6 del Acuerdo de París",
        ask_question: "Su pregunta",
        ask_private: "Solo usted ve la respuesta; la de un experto llega por mensaje directo",
        expert: "Pasar su última pregunta a una persona experta",
        lang: "Idioma de las respuestas: es, pt o en",
        lang_language: "es, pt o en",
        status: "Sus tickets abiertos (solo para usted)",
        forget: "Borrar sus preguntas y tickets",
        help: "Qué hace Consulta y cómo preguntar",
        answer: "Expertos: responder a quien consultó en el hilo de este ticket",
        answer_text: "La respuesta",
        clarify: "Expertos: preguntar antes algo a quien consultó en el hilo de este ticket",
        clarify_text: "La pregunta",
        unclaim: "Expertos: devolver el ticket de este hilo a la cola de su grupo",
        reopen: "Expertos: devolver a la cola el ticket respondido o cerrado de este hilo",
        transfer: "Expertos: pasar el ticket de este hilo a otro experto o grupo",
        transfer_to: "expert NOMBRE (un experto configurado) o group NOMBRE (un grupo)",
    },
    desk: DeskTexts {
        card_how_to_answer: "Para responder a quien consulta, responda a esta tarjeta, pulse Responder donde lo haya, o envíe /answer seguido del texto en el hilo del ticket; /clarify seguido de una pregunta le pregunta antes. Los demás mensajes allí quedan en el ticket como notas internas.",
        claim: "Tomar",
        answer: "Responder",
        close: "Cerrar",
        approve: "Aprobar como FAQ",
        claimed: "Tomó el ticket {id}.",
        how_to_answer_telegram: "Responda a su tarjeta para contestar.",
        how_to_answer_discord: "Pulse Responder en la tarjeta, responda a la tarjeta en su hilo, o use /answer allí.",
        how_to_answer_web: "Respóndalo en la consola de expertos.",
        not_an_expert_telegram: "Solo los expertos del equipo pueden actuar sobre tickets: miembros del grupo de expertos, o expertos de la configuración. Pida a un administrador que lo agregue.",
        not_an_expert_discord: "Solo los expertos del equipo pueden actuar sobre tickets: necesita el rol de expertos aquí, y un administrador debe agregar su id de Discord (discord:USER_ID) a la configuración.",
        not_an_expert_web: "Los expertos actúan sobre tickets en la consola de expertos, con su propio token.",
        unclaimed: "El ticket {id} volvió a la cola de su grupo.",
        closed: "Ticket {id} cerrado.",
        reopened: "Ticket {id} reabierto: vuelve a la cola.",
        transferred: "Ticket {id} transferido ({to}).",
        transfer_usage: "Diga adónde va el ticket: \"expert NOMBRE\" (nombre o identidad de un experto configurado) o \"group NOMBRE\" (un grupo).",
        answer_recorded: "Respuesta al ticket {id} registrada; va camino a quien consulta.",
        question_recorded: "Pregunta sobre el ticket {id} registrada; va camino a quien consulta, y el ticket espera su respuesta.",
        empty_text: "El texto estaba vacío; no se envió nada.",
        desk_chat: "Este chat recibe los tickets del equipo: responda a la tarjeta de un ticket (o envíe /answer en su tema) para contestarlo. Haga sus propias preguntas en otro chat.",
        reply_to_card: "Responda a la tarjeta del ticket {id} para contestarlo.",
        answer_usage: "Envíe /answer seguido de la respuesta, en el tema de un ticket o respondiendo a su tarjeta.",
        clarify_usage: "Envíe /clarify seguido de una pregunta para quien consulta, en el tema de un ticket o respondiendo a su tarjeta.",
        ticket_command_usage: "Envíe /unclaim, /reopen o /transfer (seguido de \"expert NOMBRE\" o \"group NOMBRE\") en el tema de un ticket o respondiendo a su tarjeta.",
        too_long_for_a_draft: "Esta respuesta es demasiado larga para editarla en un mensaje de Telegram: apruébela en la consola de expertos o con `consulta tickets approve`.",
        answer_where: "Use /answer (o /clarify) en el hilo de un ticket: responde (o pregunta) a quien lo consultó.",
        ticket_command_where: "Use /unclaim, /reopen o /transfer en el hilo de un ticket: actúan sobre ese ticket.",
        too_long_for_the_form: "La pregunta o la respuesta excede lo que cabe en un formulario de Discord (4000 caracteres): apruébela en la consola de expertos o con `consulta tickets approve`.",
        answer_form_title: "Responder el ticket {id}",
        answer_form_label: "Su respuesta",
        topic_name: "Caso {id}",
        refusals: RefusalTexts {
            no_such_ticket: "no existe el ticket {id}",
            not_an_expert: "{who} no es un experto configurado",
            unknown_expert: "ningún experto configurado se llama \"{name}\" ni tiene esa identidad",
            unknown_group: "no hay ningún grupo \"{name}\" en la sección [desk] de la configuración",
            refused: "ticket {id} rechazado: {reason}",
            claimed_by: "lo tomó {expert}: pídaselo, o que lo libere (unclaim) o lo transfiera",
            already_yours: "usted ya lo tomó",
            not_claimed: "nadie lo tomó (estado: {status})",
            already_answered: "ya está respondido: reábralo (reopen) para responder de nuevo",
            closed: "está cerrado: reábralo (reopen) primero",
            not_reopenable: "no está respondido ni cerrado (estado: {status}): no hay nada que reabrir",
            not_transferable: "no se puede transferir en estado {status}: reábralo (reopen) primero",
            same_assignee: "{expert} ya lo tiene",
            same_group: "ya está en la cola del grupo {group}",
            empty_text: "el texto está vacío: escriba algo",
            no_answer: "aún no tiene respuesta de un experto: respóndalo antes de aprobarlo como FAQ",
            too_many_replies: "los expertos aún no respondieron sus últimos {max} mensajes: espere su respuesta",
            not_the_asker: "solo quien hizo la pregunta puede hacer esto ({who} no la hizo); haga su propia pregunta",
            no_such_question: "no hay ninguna pregunta {id} registrada",
            forgotten_question: "la pregunta {id} se borró (a pedido o por el plazo de conservación); vuelva a hacerla",
            empty_question: "la pregunta está vacía: no hay nada que pasar a un experto",
            reply_too_long: "la respuesta tiene {chars} caracteres; escriba como máximo {max}, o envíela en varias respuestas",
            too_many_open: "ya tiene {open} preguntas esperando a un experto (el máximo es {cap}); espere sus respuestas antes de pedir otra",
        },
        terminal: TerminalTexts {
            which_expert: "diga qué experto es usted: --as NOMBRE (o CONSULTA_EXPERT=NOMBRE), donde cli:NOMBRE es una de sus identidades en [[desk.experts]]",
            not_a_ticket_id: "\"{id}\" no es un id de ticket; `consulta tickets list` los muestra",
            unknown_status: "estado desconocido \"{status}\": use open, claimed, answered, closed, reopened o waiting",
            nothing_published: "no se publicó nada: pase el texto a publicar con --question y --answer, o --as-shown para publicar sin cambios el borrador de arriba",
            give_question: "indique la pregunta a publicar con --question, o --as-shown para publicar sin cambios la del borrador",
            give_answer: "indique la respuesta a publicar con --answer, o --as-shown para publicar sin cambios la del borrador",
            unconfirmed: "no se publicó nada. {warning}\nPara publicarlos, confirme cada uno por su texto con --confirm-particulars (por ejemplo --confirm-particulars {example}).",
            transfer_where: "diga adónde va el ticket: --expert NOMBRE o --group NOMBRE",
            unreadable_stdin: "no se pudo leer la respuesta de la entrada estándar (debe ser texto UTF-8); también puede darla después del id",
            check_ticket_id: "revise el id con `consulta tickets list`",
            add_expert: "agréguelo a las `identities` de un experto en la sección [desk] de la configuración",
            name_an_expert: "use el nombre de un experto de [[desk.experts]]",
            name_a_group: "use el nombre de uno de [[desk.groups]]",
        },
    },
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
    stale_button: "Este botão não vale mais; pergunte de novo para receber botões novos.",
    commands: CommandTexts {
        ask: "Perguntar sobre o Artigo 6 do Acordo de Paris",
        ask_question: "Sua pergunta",
        ask_private: "Só você vê a resposta; a de um especialista chega por mensagem direta",
        expert: "Passar sua última pergunta a um especialista",
        lang: "Idioma das respostas: es, pt ou en",
        lang_language: "es, pt ou en",
        status: "Seus tickets abertos (só para você)",
        forget: "Apagar suas perguntas e tickets",
        help: "O que a Consulta faz e como perguntar",
        answer: "Especialistas: responder a quem consultou no tópico deste ticket",
        answer_text: "A resposta",
        clarify: "Especialistas: perguntar antes algo a quem consultou no tópico deste ticket",
        clarify_text: "A pergunta",
        unclaim: "Especialistas: devolver o ticket deste tópico à fila do grupo",
        reopen: "Especialistas: devolver à fila o ticket respondido ou fechado deste tópico",
        transfer: "Especialistas: passar o ticket deste tópico a outro especialista ou grupo",
        transfer_to: "expert NOME (um especialista configurado) ou group NOME (um grupo)",
    },
    desk: DeskTexts {
        card_how_to_answer: "Para responder a quem consultou, responda a este cartão, toque em Responder onde houver, ou envie /answer seguido do texto no tópico do ticket; /clarify seguido de uma pergunta pergunta antes. As outras mensagens ali ficam no ticket como notas internas.",
        claim: "Assumir",
        answer: "Responder",
        close: "Fechar",
        approve: "Aprovar como FAQ",
        claimed: "Você assumiu o ticket {id}.",
        how_to_answer_telegram: "Responda ao cartão dele para responder.",
        how_to_answer_discord: "Toque em Responder no cartão, responda ao cartão no tópico dele, ou use /answer ali.",
        how_to_answer_web: "Responda-o no console de especialistas.",
        not_an_expert_telegram: "Só os especialistas da equipe podem agir sobre tickets: membros do grupo de especialistas, ou especialistas da configuração. Peça a um administrador que o adicione.",
        not_an_expert_discord: "Só os especialistas da equipe podem agir sobre tickets: você precisa do cargo de especialistas aqui, e um administrador deve adicionar seu id do Discord (discord:USER_ID) à configuração.",
        not_an_expert_web: "Os especialistas agem sobre tickets no console de especialistas, com seu próprio token.",
        unclaimed: "O ticket {id} voltou à fila do grupo.",
        closed: "Ticket {id} fechado.",
        reopened: "Ticket {id} reaberto: voltou à fila.",
        transferred: "Ticket {id} transferido ({to}).",
        transfer_usage: "Diga para onde vai o ticket: \"expert NOME\" (nome ou identidade de um especialista configurado) ou \"group NOME\" (um grupo).",
        answer_recorded: "Resposta ao ticket {id} registrada; está a caminho de quem consultou.",
        question_recorded: "Pergunta sobre o ticket {id} registrada; está a caminho de quem consultou, e o ticket aguarda a resposta.",
        empty_text: "O texto estava vazio; nada foi enviado.",
        desk_chat: "Este chat recebe os tickets da equipe: responda ao cartão de um ticket (ou envie /answer no tópico dele) para respondê-lo. Faça suas próprias perguntas em outro chat.",
        reply_to_card: "Responda ao cartão do ticket {id} para respondê-lo.",
        answer_usage: "Envie /answer seguido da resposta, no tópico de um ticket ou respondendo ao cartão dele.",
        clarify_usage: "Envie /clarify seguido de uma pergunta para quem consultou, no tópico de um ticket ou respondendo ao cartão dele.",
        ticket_command_usage: "Envie /unclaim, /reopen ou /transfer (seguido de \"expert NOME\" ou \"group NOME\") no tópico de um ticket ou respondendo ao cartão dele.",
        too_long_for_a_draft: "Esta resposta é longa demais para editar numa mensagem do Telegram: aprove-a no console de especialistas ou com `consulta tickets approve`.",
        answer_where: "Use /answer (ou /clarify) no tópico de um ticket: responde (ou pergunta) a quem o consultou.",
        ticket_command_where: "Use /unclaim, /reopen ou /transfer no tópico de um ticket: agem sobre esse ticket.",
        too_long_for_the_form: "A pergunta ou a resposta passa do que cabe num formulário do Discord (4000 caracteres): aprove-a no console de especialistas ou com `consulta tickets approve`.",
        answer_form_title: "Responder o ticket {id}",
        answer_form_label: "Sua resposta",
        topic_name: "Caso {id}",
        refusals: RefusalTexts {
            no_such_ticket: "não existe o ticket {id}",
            not_an_expert: "{who} não é um especialista configurado",
            unknown_expert: "nenhum especialista configurado se chama \"{name}\" ou tem essa identidade",
            unknown_group: "não há nenhum grupo \"{name}\" na seção [desk] da configuração",
            refused: "ticket {id} recusado: {reason}",
            claimed_by: "{expert} o assumiu: peça a essa pessoa, ou que o libere (unclaim) ou transfira",
            already_yours: "você já o assumiu",
            not_claimed: "ninguém o assumiu (status: {status})",
            already_answered: "já foi respondido: reabra-o (reopen) para responder de novo",
            closed: "está fechado: reabra-o (reopen) primeiro",
            not_reopenable: "não foi respondido nem fechado (status: {status}): não há nada a reabrir",
            not_transferable: "não pode ser transferido com status {status}: reabra-o (reopen) primeiro",
            same_assignee: "{expert} já está com ele",
            same_group: "já está na fila do grupo {group}",
            empty_text: "o texto está vazio: escreva algo",
            no_answer: "ainda não tem resposta de um especialista: responda-o antes de aprová-lo como FAQ",
            too_many_replies: "os especialistas ainda não responderam às suas últimas {max} mensagens: aguarde a resposta",
            not_the_asker: "só quem fez a pergunta pode fazer isto ({who} não a fez); faça sua própria pergunta",
            no_such_question: "não há nenhuma pergunta {id} registrada",
            forgotten_question: "a pergunta {id} foi apagada (a pedido ou pelo prazo de retenção); faça-a de novo",
            empty_question: "a pergunta está vazia: não há nada para passar a um especialista",
            reply_too_long: "a resposta tem {chars} caracteres; escreva no máximo {max}, ou envie-a em várias respostas",
            too_many_open: "você já tem {open} perguntas esperando um especialista (o máximo é {cap}); aguarde as respostas antes de pedir outra",
        },
        terminal: TerminalTexts {
            which_expert: "diga qual especialista você é: --as NOME (ou CONSULTA_EXPERT=NOME), onde cli:NOME é uma das suas identidades em [[desk.experts]]",
            not_a_ticket_id: "\"{id}\" não é um id de ticket; `consulta tickets list` mostra os tickets",
            unknown_status: "status desconhecido \"{status}\": use open, claimed, answered, closed, reopened ou waiting",
            nothing_published: "nada foi publicado: passe o texto a publicar com --question e --answer, ou --as-shown para publicar sem mudanças o rascunho acima",
            give_question: "informe a pergunta a publicar com --question, ou --as-shown para publicar sem mudanças a do rascunho",
            give_answer: "informe a resposta a publicar com --answer, ou --as-shown para publicar sem mudanças a do rascunho",
            unconfirmed: "nada foi publicado. {warning}\nPara publicá-los, confirme cada um pelo texto com --confirm-particulars (por exemplo --confirm-particulars {example}).",
            transfer_where: "diga para onde vai o ticket: --expert NOME ou --group NOME",
            unreadable_stdin: "não foi possível ler a resposta da entrada padrão (deve ser texto UTF-8); você também pode dá-la depois do id",
            check_ticket_id: "confira o id com `consulta tickets list`",
            add_expert: "adicione-o às `identities` de um especialista na seção [desk] da configuração",
            name_an_expert: "use o nome de um especialista de [[desk.experts]]",
            name_a_group: "use o nome de um de [[desk.groups]]",
        },
    },
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
    stale_button: "This button is no longer in use; ask again to get fresh buttons.",
    commands: CommandTexts {
        ask: "Ask about Article 6 of the Paris Agreement",
        ask_question: "Your question",
        ask_private: "Only you see the answer; an expert's answer comes by direct message",
        expert: "Hand your last question to a human expert",
        lang: "Language of the answers: es, pt or en",
        lang_language: "es, pt or en",
        status: "Your open tickets (only for you)",
        forget: "Delete your questions and tickets",
        help: "What Consulta does and how to ask",
        answer: "Experts: answer the asker of this ticket's thread",
        answer_text: "The answer",
        clarify: "Experts: ask the asker of this ticket's thread a question first",
        clarify_text: "The question",
        unclaim: "Experts: put this thread's ticket back in its group's queue",
        reopen: "Experts: put this thread's answered or closed ticket back in the queue",
        transfer: "Experts: hand this thread's ticket to another expert or group",
        transfer_to: "expert NAME (a configured expert) or group NAME (a desk group)",
    },
    desk: DeskTexts {
        card_how_to_answer: "To answer the asker, reply to this card, press Answer where there is one, or send /answer followed by the text in the ticket's thread; /clarify followed by a question asks the asker first. Other messages there stay on the ticket as internal notes.",
        claim: "Claim",
        answer: "Answer",
        close: "Close",
        approve: "Approve as FAQ",
        claimed: "You claimed ticket {id}.",
        how_to_answer_telegram: "Reply to its card to answer.",
        how_to_answer_discord: "Press Answer on the card, reply to the card in its thread, or use /answer there.",
        how_to_answer_web: "Answer it in the expert console.",
        not_an_expert_telegram: "Sorry, only the desk's experts can act on tickets: members of the experts' group, or experts in the desk configuration. Ask an administrator to add you.",
        not_an_expert_discord: "Sorry, only the desk's experts can act on tickets: you need the experts role here, and an administrator must add your Discord id (discord:USER_ID) to the desk configuration.",
        not_an_expert_web: "Experts act on tickets in the expert console, signed in with their own token.",
        unclaimed: "Ticket {id} is back in its group's queue.",
        closed: "Ticket {id} closed.",
        reopened: "Ticket {id} reopened: it is back in the queue.",
        transferred: "Ticket {id} transferred ({to}).",
        transfer_usage: "Say where the ticket goes: \"expert NAME\" (a configured expert's name or identity) or \"group NAME\" (a desk group).",
        answer_recorded: "Answer to {id} recorded; it is on its way to the asker.",
        question_recorded: "Question on {id} recorded; it is on its way to the asker, and the ticket waits for their reply.",
        empty_text: "The text was empty; nothing was sent.",
        desk_chat: "This chat receives the desk's tickets: reply to a ticket's card (or send /answer in its topic) to answer it. Ask your own questions in another chat.",
        reply_to_card: "Reply to the card of {id} to answer.",
        answer_usage: "Send /answer followed by the answer, in a ticket's topic or as a reply to its card.",
        clarify_usage: "Send /clarify followed by a question for the asker, in a ticket's topic or as a reply to its card.",
        ticket_command_usage: "Send /unclaim, /reopen or /transfer (followed by \"expert NAME\" or \"group NAME\") in a ticket's topic or as a reply to its card.",
        too_long_for_a_draft: "This answer is too long to edit in a Telegram message: approve it in the expert console or with `consulta tickets approve`.",
        answer_where: "Use /answer (or /clarify) in a ticket's thread: it answers (or asks) that ticket's asker.",
        ticket_command_where: "Use /unclaim, /reopen or /transfer in a ticket's thread: they act on that ticket.",
        too_long_for_the_form: "This question or answer is longer than a Discord form holds (4000 characters): approve it in the expert console or with `consulta tickets approve`.",
        answer_form_title: "Answer ticket {id}",
        answer_form_label: "Your answer",
        topic_name: "Ticket {id}",
        refusals: RefusalTexts {
            no_such_ticket: "no ticket {id}",
            not_an_expert: "{who} is not a configured expert",
            unknown_expert: "no configured expert is named \"{name}\" or has that identity",
            unknown_group: "no group named \"{name}\" in the [desk] config",
            refused: "ticket {id} refused: {reason}",
            claimed_by: "it is claimed by {expert}: ask them, or have them unclaim or transfer it",
            already_yours: "you have already claimed it",
            not_claimed: "it is not claimed (it is {status})",
            already_answered: "it is already answered: reopen it first to answer again",
            closed: "it is closed: reopen it first",
            not_reopenable: "it is {status}, not answered or closed: there is nothing to reopen",
            not_transferable: "it is {status}: reopen it first to transfer it",
            same_assignee: "{expert} already holds it",
            same_group: "it is already queued in group {group}",
            empty_text: "the text is empty: write some text",
            no_answer: "it has no expert answer yet: answer it before approving it as a curated FAQ",
            too_many_replies: "the experts have not answered your last {max} messages yet: wait for them",
            not_the_asker: "only the person who asked may do this ({who} did not ask it); ask your own question instead",
            no_such_question: "no question {id} is recorded",
            forgotten_question: "question {id} was forgotten (on request or by retention); ask it again",
            empty_question: "the question is empty: there is nothing to ask an expert",
            reply_too_long: "the reply has {chars} characters; write at most {max}, or send it in several replies",
            too_many_open: "you already have {open} questions waiting for an expert (the most is {cap}); wait for their answers before asking for another",
        },
        terminal: TerminalTexts {
            which_expert: "say which expert you are: --as NAME (or CONSULTA_EXPERT=NAME), where cli:NAME is one of your identities in [[desk.experts]]",
            not_a_ticket_id: "\"{id}\" is not a ticket id; `consulta tickets list` shows them",
            unknown_status: "unknown status \"{status}\": use open, claimed, answered, closed, reopened or waiting",
            nothing_published: "nothing published: pass the text to publish with --question and --answer, or --as-shown to publish the draft above unchanged",
            give_question: "give the question to publish with --question, or --as-shown to publish the draft's question unchanged",
            give_answer: "give the answer to publish with --answer, or --as-shown to publish the draft's answer unchanged",
            unconfirmed: "nothing published. {warning}\nTo publish them, confirm each by name with --confirm-particulars (for example --confirm-particulars {example}).",
            transfer_where: "say where the ticket goes: --expert NAME or --group NAME",
            unreadable_stdin: "cannot read the answer from stdin (it must be UTF-8 text); you can also give it after the id",
            check_ticket_id: "check the id with `consulta tickets list`",
            add_expert: "add it to an expert's `identities` in the [desk] config",
            name_an_expert: "use the name of one in [[desk.experts]]",
            name_a_group: "use the name of one in [[desk.groups]]",
        },
    },
};

/// The bot's words in `lang`.
pub const fn texts(lang: Lang) -> &'static Texts {
    match lang {
        Lang::Es => &ES,
        Lang::Pt => &PT,
        Lang::En => &EN,
    }
}

/// The name of `ticket`'s forum topic or thread in `lang` (the desk chat's), cut to the platform's
/// `limit` in characters: a name too long is refused, and the ticket would get no topic.
pub fn topic_name(ticket: &TicketId, lang: Lang, limit: usize) -> String {
    texts(lang)
        .desk
        .topic_name
        .replace("{id}", ticket.as_str())
        .chars()
        .take(limit)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Discord refuses a form whose title or labels pass 45 characters: with the longest ticket id,
    /// every language's answer form fits.
    #[test]
    fn answer_form_words_fit_discords_limit() {
        for lang in [Lang::Es, Lang::Pt, Lang::En] {
            let desk = &texts(lang).desk;
            let title = desk.answer_form_title.replace("{id}", "K7P2QK7P2Q");
            for text in [title.as_str(), desk.answer_form_label] {
                assert!(text.chars().count() <= 45, "{text}");
            }
        }
    }

    /// Discord refuses a command whose description is empty or passes 100 characters (Telegram
    /// allows 256), and the whole registration with it.
    #[test]
    fn command_descriptions_fit_discords_limit() {
        for lang in Lang::ALL {
            let c = &texts(lang).commands;
            for text in [
                c.ask,
                c.ask_question,
                c.ask_private,
                c.expert,
                c.lang,
                c.lang_language,
                c.status,
                c.forget,
                c.help,
                c.answer,
                c.answer_text,
                c.clarify,
                c.clarify_text,
                c.unclaim,
                c.reopen,
                c.transfer,
                c.transfer_to,
            ] {
                assert!((1..=100).contains(&text.chars().count()), "{text}");
            }
        }
    }
}
