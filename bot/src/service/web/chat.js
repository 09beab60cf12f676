// The chat page: ask, read cited answers, rate them, ask for an expert, receive the expert's answer
// or clarifying question and reply to it (POST /v1/replies) here (polled from /v1/conversations/messages, the session in a header, never in the URL),
// and see where their tickets stand (GET /v1/conversations/tickets, what /status says in a chat). The
// session is minted by the server (POST /v1/sessions) and kept in localStorage. Every text from the
// server is set with textContent, never as HTML.
"use strict";

const POLL_MS = 3000;

// The visitor's session: the one kept, or a new one from the server.
async function session() {
  let id = localStorage.getItem("consulta.session");
  if (!id) {
    id = (await api("POST", "/v1/sessions")).session;
    localStorage.setItem("consulta.session", id);
  }
  return id;
}

// A session the server no longer recognises (made by an older page, or another server's) is
// replaced; the conversation kept under it cannot be read any more.
function forgetUnknownSession(error) {
  if (error.message.startsWith("unknown session")) localStorage.removeItem("consulta.session");
}

function element(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

function say(key, values) {
  document.getElementById("status").textContent = t(key, values);
}

function button(label, className, onClick) {
  const node = element("button", className, label);
  node.type = "button";
  node.addEventListener("click", onClick);
  return node;
}

function showQuestion(text) {
  const item = element("li", "mine");
  item.appendChild(element("strong", null, t("you") + ": "));
  item.appendChild(element("span", "question-text", text));
  document.getElementById("conversation").appendChild(item);
}

function showAnswer(reply) {
  const item = element("li", "answer");
  if (reply.escalate) item.appendChild(element("p", "notice low-confidence", t("lowConfidence")));
  if (reply.answer) item.appendChild(element("p", "answer-text", reply.answer));
  for (const note of reply.notes || []) item.appendChild(element("p", "note", note));
  if (reply.citations && reply.citations.length) {
    item.appendChild(element("h2", "sources", t("sources")));
    const list = element("ol", "citations");
    for (const citation of reply.citations) {
      const entry = element("li", "citation");
      const label = [citation.title, citation.section].filter(Boolean).join(" — ");
      if (citation.source_url && /^https?:\/\//.test(citation.source_url)) {
        const link = element("a", null, label);
        link.href = citation.source_url;
        link.rel = "noopener noreferrer";
        link.target = "_blank";
        entry.appendChild(link);
      } else {
        entry.appendChild(element("span", null, label));
      }
      const detail = [citation.source, citation.date].filter(Boolean).join(", ");
      if (detail) entry.appendChild(element("span", "citation-source", " (" + detail + ")"));
      list.appendChild(entry);
    }
    item.appendChild(list);
  }
  const actions = element("div", "row");
  const rate = (rating) => async (event) => {
    for (const b of actions.querySelectorAll(".rate")) b.disabled = true;
    try {
      await api("POST", "/v1/feedback", { rating, question_id: reply.question_id, session: await session() });
      say("thanks");
    } catch (error) {
      event.target.disabled = false;
      say("error", { message: error.message });
    }
  };
  actions.appendChild(button(t("helpful"), "secondary rate", rate("up")));
  actions.appendChild(button(t("notHelpful"), "secondary rate", rate("down")));
  const expert = button(t("expert"), "expert-button", async () => {
    expert.disabled = true;
    try {
      const ticket = await api("POST", "/v1/escalations", { question_id: reply.question_id, session: await session() });
      const notice = element("p", "notice escalated", t("escalated", { id: ticket.id }));
      item.appendChild(notice);
      say("escalated", { id: ticket.id });
      localStorage.setItem("consulta.waiting", "1");
    } catch (error) {
      expert.disabled = false;
      say("error", { message: error.message });
    }
  });
  actions.appendChild(expert);
  item.appendChild(actions);
  document.getElementById("conversation").appendChild(item);
  item.scrollIntoView({ block: "nearest" });
}

function showExpertMessage(message) {
  const item = element("li", "expert-message");
  item.appendChild(element("h2", null, t("fromExpert")));
  item.appendChild(element("p", "expert-text", message.text));
  if (message.kind === "expert_answer") {
    const actions = element("div", "row");
    const rate = (rating) => async () => {
      for (const b of actions.querySelectorAll("button")) b.disabled = true;
      try {
        await api("POST", "/v1/feedback", { rating, ticket: message.ticket, session: await session() });
        say("thanks");
      } catch (error) {
        say("error", { message: error.message });
      }
    };
    actions.appendChild(button(t("helpful"), "secondary", rate("up")));
    actions.appendChild(button(t("notHelpful"), "secondary", rate("down")));
    item.appendChild(actions);
  }
  if (message.kind === "expert_question" || message.kind === "expert_answer") item.appendChild(replyForm(message.ticket));
  document.getElementById("conversation").appendChild(item);
}

// A reply to the expert, written back on the ticket: the answer to their question, or a follow-up.
function replyForm(ticket) {
  const form = element("form", "reply-form");
  const id = "reply-" + ticket + "-" + document.querySelectorAll(".reply-form").length;
  const label = element("label", null, t("replyLabel"));
  label.htmlFor = id;
  const field = element("textarea", "reply-text");
  field.id = id;
  field.rows = 2;
  field.maxLength = 4000;
  const send = element("button", "reply-send", t("sendReply"));
  send.type = "submit";
  form.append(label, field, send);
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const text = field.value.trim();
    if (!text) { say("emptyReply"); field.focus(); return; }
    send.disabled = true;
    try {
      await api("POST", "/v1/replies", { ticket, text, session: await session() });
      showQuestion(text);
      form.remove();
      say("replySent");
    } catch (error) {
      send.disabled = false;
      say("error", { message: error.message });
    }
  });
  return form;
}

// The visitor's open tickets and where each stands, added to the conversation as /status is in a chat.
async function showTickets() {
  const data = await api("GET", "/v1/conversations/tickets", undefined, { "X-Consulta-Session": await session() });
  const item = element("li", "tickets");
  if (!data.tickets.length) {
    item.appendChild(element("p", null, t("noTickets")));
  } else {
    item.appendChild(element("h2", null, t("yourTickets")));
    const list = element("ul", "ticket-list");
    for (const ticket of data.tickets) {
      list.appendChild(element("li", null, ticket.id + " — " + t("st_" + ticket.status) + " — " + ticket.question));
    }
    item.appendChild(list);
  }
  document.getElementById("conversation").appendChild(item);
  item.scrollIntoView({ block: "nearest" });
}

let lastSeq = 0;
async function poll() {
  try {
    const data = await api("GET", "/v1/conversations/messages?after=" + lastSeq, undefined, { "X-Consulta-Session": await session() });
    for (const message of data.messages) {
      lastSeq = Math.max(lastSeq, message.seq);
      showExpertMessage(message);
    }
  } catch (error) {
    // The next poll tries again; a passing network failure must not stop the page.
    forgetUnknownSession(error);
  }
  setTimeout(poll, POLL_MS);
}

document.addEventListener("DOMContentLoaded", () => {
  const form = document.getElementById("ask-form");
  const field = document.getElementById("question");
  const submit = document.getElementById("ask");
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const question = field.value.trim();
    if (!question) { say("empty"); field.focus(); return; }
    submit.disabled = true;
    say("asking");
    showQuestion(question);
    try {
      const reply = await api("POST", "/v1/ask", { question, session: await session() });
      showAnswer(reply);
      say("");
      field.value = "";
    } catch (error) {
      forgetUnknownSession(error);
      say("error", { message: error.message });
    } finally {
      submit.disabled = false;
      field.focus();
    }
  });
  field.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && !event.shiftKey) { event.preventDefault(); form.requestSubmit(); }
  });
  document.getElementById("my-tickets").addEventListener("click", async () => {
    try {
      await showTickets();
    } catch (error) {
      forgetUnknownSession(error);
      say("error", { message: error.message });
    }
  });
  document.getElementById("forget").addEventListener("click", async () => {
    if (!confirm(t("confirmForget"))) return;
    try {
      await api("DELETE", "/v1/conversations", undefined, { "X-Consulta-Session": await session() });
      localStorage.removeItem("consulta.session");
      document.getElementById("conversation").textContent = "";
      lastSeq = 0;
      say("forgotten");
    } catch (error) {
      say("error", { message: error.message });
    }
  });
  poll();
});
