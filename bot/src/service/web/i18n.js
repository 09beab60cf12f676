// The pages' texts in Spanish, Portuguese and English. Elements with data-i18n="key" get texts[lang][key].
"use strict";
const TEXTS = {
  es: {
    askAsker: "Preguntar a la persona", asked: "Pregunta a la persona: {text}", replied: "Respuesta de la persona: {text}",
    replyLabel: "Su respuesta al experto", sendReply: "Responder", replySent: "Respuesta enviada al experto.", emptyReply: "Escriba su respuesta.",
    skip: "Ir a la pregunta", title: "Consulta — Artículo 6 del Acuerdo de París", language: "Idioma",
    intro: "Pregunte sobre enfoques cooperativos (6.2), el Mecanismo de Acreditación del Acuerdo de París (6.4) o los enfoques no de mercado (6.8). Las respuestas citan nuestras guías, con sus fuentes.",
    question: "Su pregunta", ask: "Preguntar", forget: "Borrar mi conversación", myTickets: "Mis tickets", yourTickets: "Sus tickets abiertos:", noTickets: "No tiene tickets abiertos.", asking: "Buscando en las guías…",
    sources: "Fuentes", helpful: "👍 Útil", notHelpful: "👎 No útil", expert: "Preguntar a un experto",
    lowConfidence: "No encontramos una respuesta segura. Un experto puede responderle aquí mismo.",
    thanks: "Gracias por su opinión.", escalated: "Ticket {id} abierto. Un experto le responderá en esta página.",
    forgotten: "Su conversación fue borrada.", confirmForget: "¿Borrar su conversación y sus tickets?",
    error: "Algo falló: {message}", empty: "Escriba una pregunta.", fromExpert: "Mensaje del equipo de expertos",
    conversation: "Conversación", you: "Usted",
    consoleTitle: "Consulta — consola de expertos", signIn: "Iniciar sesión", identity: "Su identidad de experto (p. ej. web:ana)",
    token: "Clave de la consola", signInButton: "Entrar", status: "Estado", all: "Todos", st_open: "Abierto", st_claimed: "Tomado",
    st_answered: "Respondido", st_reopened: "Reabierto", st_waiting: "Esperando a la persona", st_closed: "Cerrado", tag: "Etiqueta", refresh: "Actualizar",
    tickets: "Tickets", questionCol: "Pregunta", found: "Lo que encontró Consulta", yourAnswer: "Su respuesta", claim: "Tomar",
    unclaim: "Devolver", sendAnswer: "Enviar respuesta", closeTicket: "Cerrar", reopen: "Reabrir", approve: "Aprobar como FAQ",
    gaps: "Vacíos de cobertura (30 días)", loadReport: "Ver el informe", signedIn: "Sesión de {who}", done: "Hecho: {status}",
    approved: "Aprobado: la respuesta ya se cita como FAQ.", publishTitle: "Lo que se publicará (edite antes de publicar)", faqQuestion: "Pregunta a publicar", faqAnswer: "Respuesta a publicar", publish: "Publicar como FAQ", cancel: "Cancelar", confirmParticulars: "Publicar de todos modos los datos personales señalados", particulars: "Datos personales señalados: {list}. Quítelos, o confirme que pueden publicarse.", namesNote: "Los nombres no se señalan: quite usted el nombre de la persona y cualquier otro.", noTickets: "No hay tickets.", noGaps: "Sin vacíos en el período.",
    answerBy: "Respuesta de {who}", questions: "{n} preguntas",
    unreachable: "La persona no recibió el último mensaje del desk ({reason}). Contáctela por otra vía o cierre el ticket."
  },
  pt: {
    askAsker: "Perguntar à pessoa", asked: "Pergunta à pessoa: {text}", replied: "Resposta da pessoa: {text}",
    replyLabel: "Sua resposta ao especialista", sendReply: "Responder", replySent: "Resposta enviada ao especialista.", emptyReply: "Escreva sua resposta.",
    skip: "Ir para a pergunta", title: "Consulta — Artigo 6 do Acordo de Paris", language: "Idioma",
    intro: "Pergunte sobre abordagens cooperativas (6.2), o Mecanismo de Crédito do Acordo de Paris (6.4) ou abordagens não relacionadas a mercado (6.8). As respostas citam nossos guias, com as fontes.",
    question: "Sua pergunta", ask: "Perguntar", forget: "Apagar minha conversa", myTickets: "Meus tickets", yourTickets: "Seus tickets abertos:", noTickets: "Você não tem tickets abertos.", asking: "Buscando nos guias…",
    sources: "Fontes", helpful: "👍 Útil", notHelpful: "👎 Não ajudou", expert: "Perguntar a um especialista",
    lowConfidence: "Não encontramos uma resposta segura. Um especialista pode responder aqui mesmo.",
    thanks: "Obrigado pela avaliação.", escalated: "Ticket {id} aberto. Um especialista responderá nesta página.",
    forgotten: "Sua conversa foi apagada.", confirmForget: "Apagar sua conversa e seus tickets?",
    error: "Algo deu errado: {message}", empty: "Escreva uma pergunta.", fromExpert: "Mensagem da equipe de especialistas",
    conversation: "Conversa", you: "Você",
    consoleTitle: "Consulta — console de especialistas", signIn: "Entrar", identity: "Sua identidade de especialista (ex.: web:ana)",
    token: "Senha do console", signInButton: "Entrar", status: "Situação", all: "Todos", st_open: "Aberto", st_claimed: "Assumido",
    st_answered: "Respondido", st_reopened: "Reaberto", st_waiting: "Aguardando a pessoa", st_closed: "Fechado", tag: "Etiqueta", refresh: "Atualizar",
    tickets: "Tickets", questionCol: "Pergunta", found: "O que o Consulta encontrou", yourAnswer: "Sua resposta", claim: "Assumir",
    unclaim: "Devolver", sendAnswer: "Enviar resposta", closeTicket: "Fechar", reopen: "Reabrir", approve: "Aprovar como FAQ",
    gaps: "Lacunas de cobertura (30 dias)", loadReport: "Ver o relatório", signedIn: "Sessão de {who}", done: "Feito: {status}",
    approved: "Aprovado: a resposta já é citada como FAQ.", publishTitle: "O que será publicado (edite antes de publicar)", faqQuestion: "Pergunta a publicar", faqAnswer: "Resposta a publicar", publish: "Publicar como FAQ", cancel: "Cancelar", confirmParticulars: "Publicar mesmo assim os dados pessoais assinalados", particulars: "Dados pessoais assinalados: {list}. Remova-os, ou confirme que podem ser publicados.", namesNote: "Nomes não são assinalados: remova você mesmo o nome da pessoa e qualquer outro.", noTickets: "Nenhum ticket.", noGaps: "Sem lacunas no período.",
    answerBy: "Resposta de {who}", questions: "{n} perguntas",
    unreachable: "A pessoa não recebeu a última mensagem do desk ({reason}). Contate-a de outra forma ou feche o ticket."
  },
  en: {
    askAsker: "Ask the asker", asked: "Asked the asker: {text}", replied: "The asker replied: {text}",
    replyLabel: "Your reply to the expert", sendReply: "Reply", replySent: "Reply sent to the expert.", emptyReply: "Type your reply.",
    skip: "Skip to the question", title: "Consulta — Article 6 of the Paris Agreement", language: "Language",
    intro: "Ask about cooperative approaches (6.2), the Paris Agreement Crediting Mechanism (6.4) or non-market approaches (6.8). Answers quote our guidance, with sources.",
    question: "Your question", ask: "Ask", forget: "Delete my conversation", myTickets: "My tickets", yourTickets: "Your open tickets:", noTickets: "You have no open tickets.", asking: "Searching the guidance…",
    sources: "Sources", helpful: "👍 Helpful", notHelpful: "👎 Not helpful", expert: "Ask an expert",
    lowConfidence: "We found no confident answer. An expert can answer you right here.",
    thanks: "Thank you for the feedback.", escalated: "Ticket {id} opened. An expert will answer you on this page.",
    forgotten: "Your conversation was deleted.", confirmForget: "Delete your conversation and your tickets?",
    error: "Something went wrong: {message}", empty: "Type a question.", fromExpert: "Message from the experts",
    conversation: "Conversation", you: "You",
    consoleTitle: "Consulta — expert console", signIn: "Sign in", identity: "Your expert identity (e.g. web:ana)",
    token: "Console token", signInButton: "Sign in", status: "Status", all: "All", st_open: "Open", st_claimed: "Claimed",
    st_answered: "Answered", st_reopened: "Reopened", st_waiting: "Waiting for the asker", st_closed: "Closed", tag: "Tag", refresh: "Refresh",
    tickets: "Tickets", questionCol: "Question", found: "What Consulta found", yourAnswer: "Your answer", claim: "Claim",
    unclaim: "Unclaim", sendAnswer: "Send answer", closeTicket: "Close", reopen: "Reopen", approve: "Approve as FAQ",
    gaps: "Coverage gaps (30 days)", loadReport: "Show the report", signedIn: "Signed in as {who}", done: "Done: {status}",
    approved: "Approved: the answer is now cited as an FAQ.", publishTitle: "What will be published (edit it first)", faqQuestion: "Question to publish", faqAnswer: "Answer to publish", publish: "Publish as FAQ", cancel: "Cancel", confirmParticulars: "Publish the flagged personal particulars anyway", particulars: "Personal particulars flagged: {list}. Remove them, or confirm that they may be published.", namesNote: "Names are not flagged: remove the asker's name and anyone else's yourself.", noTickets: "No tickets.", noGaps: "No gaps in the period.",
    answerBy: "Answer by {who}", questions: "{n} questions",
    unreachable: "The asker did not receive the desk's last message ({reason}). Reach them another way, or close the ticket."
  }
};

function pickLanguage() {
  const saved = localStorage.getItem("consulta.lang");
  if (saved && TEXTS[saved]) return saved;
  const browser = (navigator.language || "en").slice(0, 2).toLowerCase();
  return TEXTS[browser] ? browser : "en";
}

let LANG = pickLanguage();

function t(key, values) {
  let text = (TEXTS[LANG] && TEXTS[LANG][key]) || TEXTS.en[key] || key;
  for (const [name, value] of Object.entries(values || {})) text = text.replace("{" + name + "}", value);
  return text;
}

function applyTexts() {
  document.documentElement.lang = LANG;
  for (const element of document.querySelectorAll("[data-i18n]")) element.textContent = t(element.dataset.i18n);
  const select = document.getElementById("language");
  if (select) select.value = LANG;
}

function setLanguage(lang) {
  if (!TEXTS[lang]) return;
  LANG = lang;
  localStorage.setItem("consulta.lang", lang);
  applyTexts();
}

// The API's errors are {"error": {"code", "message"}}, with "said" (the message per language) when
// the desk refused; anything else becomes a generic message.
async function api(method, path, body, headers) {
  const options = { method, headers: Object.assign({ "Content-Type": "application/json" }, headers || {}) };
  if (body !== undefined) options.body = JSON.stringify(body);
  const response = await fetch(path, options);
  const text = await response.text();
  let data = null;
  try { data = text ? JSON.parse(text) : null; } catch (_) { data = null; }
  if (!response.ok) {
    const said = data && data.error && data.error.said;
    const message = (said && said[LANG]) || (data && data.error ? data.error.message : response.status + " " + response.statusText);
    throw new Error(message);
  }
  return data;
}

document.addEventListener("DOMContentLoaded", () => {
  applyTexts();
  const select = document.getElementById("language");
  if (select) select.addEventListener("change", () => setLanguage(select.value));
});
