// The expert console: sign in with an expert identity and the console token, work tickets (claim,
// answer, ask the asker a clarifying question and read their reply, close, reopen, approve as FAQ
// after editing what will be published), read the
// coverage-gap report. Texts from the server are set
// with textContent, never as HTML. The token stays in sessionStorage: closing the tab signs out.
"use strict";

let selected = null;

function credentials() {
  return {
    identity: sessionStorage.getItem("consulta.expert") || "",
    token: sessionStorage.getItem("consulta.token") || "",
  };
}

function expertApi(method, path, body) {
  const { identity, token } = credentials();
  return api(method, path, body, { Authorization: "Bearer " + token, "X-Consulta-Identity": identity });
}

function say(key, values) {
  document.getElementById("status").textContent = t(key, values);
}

function cell(text) {
  const td = document.createElement("td");
  td.textContent = text;
  return td;
}

async function loadTickets() {
  const params = new URLSearchParams();
  const status = document.getElementById("filter-status").value;
  const language = document.getElementById("filter-language").value;
  const tag = document.getElementById("filter-tag").value.trim();
  if (status) params.set("status", status);
  if (language) params.set("language", language);
  if (tag) params.set("tag", tag);
  const data = await expertApi("GET", "/v1/tickets?" + params.toString());
  const rows = document.getElementById("ticket-rows");
  rows.textContent = "";
  if (!data.tickets.length) {
    const tr = document.createElement("tr");
    const td = cell(t("noTickets"));
    td.colSpan = 4;
    tr.appendChild(td);
    rows.appendChild(tr);
  }
  for (const ticket of data.tickets) {
    const tr = document.createElement("tr");
    tr.className = "ticket-row";
    tr.dataset.id = ticket.id;
    tr.tabIndex = 0;
    tr.setAttribute("aria-selected", String(selected === ticket.id));
    tr.appendChild(cell(ticket.id));
    tr.appendChild(cell(t("st_" + ticket.status)));
    tr.appendChild(cell(ticket.language));
    tr.appendChild(cell(ticket.question.slice(0, 140)));
    const open = () => showTicket(ticket.id).catch((error) => say("error", { message: error.message }));
    tr.addEventListener("click", open);
    tr.addEventListener("keydown", (event) => { if (event.key === "Enter" || event.key === " ") { event.preventDefault(); open(); } });
    rows.appendChild(tr);
  }
}

async function showTicket(id) {
  const ticket = await expertApi("GET", "/v1/tickets/" + encodeURIComponent(id));
  if (selected !== ticket.id) document.getElementById("publish").hidden = true;
  selected = ticket.id;
  for (const row of document.querySelectorAll(".ticket-row")) row.setAttribute("aria-selected", String(row.dataset.id === id));
  document.getElementById("ticket").hidden = false;
  document.getElementById("ticket-title").textContent = "Ticket " + ticket.id + " — " + t("st_" + ticket.status);
  const meta = [ticket.group, ticket.language, ticket.asker.display_name + " (" + ticket.asker.platform + ")", ticket.assignee || ""];
  const tags = (ticket.tags.topics || []).concat(ticket.tags.countries || []);
  if (tags.length) meta.push(tags.join(", "));
  document.getElementById("ticket-meta").textContent = meta.filter(Boolean).join(" · ");
  const unreachable = ticket.events.slice().reverse().find((e) => e.event === "undelivered" && e.to_asker);
  const warning = document.getElementById("ticket-unreachable");
  warning.hidden = !unreachable;
  warning.textContent = unreachable ? t("unreachable", { reason: unreachable.reason }) : "";
  document.getElementById("ticket-question").textContent = ticket.question;
  const passages = document.getElementById("ticket-passages");
  passages.textContent = "";
  for (const passage of ticket.passages) {
    const li = document.createElement("li");
    li.textContent = passage.title + " — " + passage.section + " (" + passage.source + ", " + passage.score.toFixed(2) + ")";
    passages.appendChild(li);
  }
  // The exchange with the asker: the experts' clarifying questions and the asker's replies.
  const exchange = document.getElementById("ticket-exchange");
  exchange.textContent = "";
  for (const event of ticket.events) {
    if (event.event !== "clarification" && event.event !== "asker_replied") continue;
    const li = document.createElement("li");
    li.className = event.event;
    li.textContent = t(event.event === "clarification" ? "asked" : "replied", { text: event.text });
    exchange.appendChild(li);
  }
  const answer = document.getElementById("ticket-answer");
  answer.textContent = "";
  if (ticket.answer) {
    const heading = document.createElement("h3");
    heading.textContent = t("answerBy", { who: ticket.answer.expert });
    const text = document.createElement("blockquote");
    text.className = "given-answer";
    text.textContent = ticket.answer.text;
    answer.appendChild(heading);
    answer.appendChild(text);
  }
}

async function act(action, body) {
  if (!selected) return;
  try {
    const result = await expertApi("POST", "/v1/tickets/" + encodeURIComponent(selected) + "/" + action, body || {});
    say(action === "approve" ? "approved" : "done", { status: t("st_" + result.ticket.status) });
    if (action === "answer" || action === "clarify") document.getElementById("answer-text").value = "";
    await showTicket(selected);
    await loadTickets();
  } catch (error) {
    say("error", { message: error.message });
  }
}

// "Approve as FAQ" opens the edit step: the question and answer that will be published, prefilled
// from the server's draft, with the personal particulars it flagged. Only the edited text is sent.
async function openPublish() {
  if (!selected) return;
  try {
    const draft = await expertApi("GET", "/v1/tickets/" + encodeURIComponent(selected) + "/draft");
    document.getElementById("faq-question").value = draft.question;
    document.getElementById("faq-answer").value = draft.answer;
    document.getElementById("confirm-particulars").checked = false;
    showParticulars(draft.particulars.map((p) => p.text));
    document.getElementById("publish").hidden = false;
    document.getElementById("faq-question").focus();
  } catch (error) {
    say("error", { message: error.message });
  }
}

function showParticulars(found) {
  const warning = document.getElementById("particulars");
  warning.hidden = found.length === 0;
  document.getElementById("confirm-row").hidden = found.length === 0;
  warning.textContent = found.length ? t("particulars", { list: found.join(", ") }) : "";
}

async function publish(event) {
  event.preventDefault();
  if (!selected) return;
  const body = {
    question: document.getElementById("faq-question").value,
    answer: document.getElementById("faq-answer").value,
    confirm_particulars: document.getElementById("confirm-particulars").checked,
  };
  try {
    await expertApi("POST", "/v1/tickets/" + encodeURIComponent(selected) + "/approve", body);
    document.getElementById("publish").hidden = true;
    say("approved");
    await showTicket(selected);
  } catch (error) {
    // Particulars flagged in the edited text: the server's message names them.
    const warning = document.getElementById("particulars");
    warning.hidden = false;
    document.getElementById("confirm-row").hidden = false;
    warning.textContent = error.message;
  }
}

async function loadReport() {
  try {
    const report = await expertApi("GET", "/v1/report?days=30");
    const list = document.getElementById("gaps");
    list.textContent = "";
    if (!report.gaps || !report.gaps.length) {
      const li = document.createElement("li");
      li.textContent = t("noGaps");
      list.appendChild(li);
    }
    for (const gap of report.gaps || []) {
      const li = document.createElement("li");
      li.textContent = (gap.examples[0] || "") + " — " + t("questions", { n: gap.size });
      list.appendChild(li);
    }
  } catch (error) {
    say("error", { message: error.message });
  }
}

async function enterDesk() {
  const me = await expertApi("GET", "/v1/me");
  document.getElementById("signin-form").hidden = true;
  document.getElementById("desk").hidden = false;
  document.getElementById("signed-in").textContent = t("signedIn", { who: me.identity });
  await loadTickets();
}

document.addEventListener("DOMContentLoaded", () => {
  document.getElementById("signin-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    sessionStorage.setItem("consulta.expert", document.getElementById("identity").value.trim());
    sessionStorage.setItem("consulta.token", document.getElementById("token").value);
    try {
      await enterDesk();
      say("");
    } catch (error) {
      sessionStorage.removeItem("consulta.token");
      say("error", { message: error.message });
    }
  });
  document.getElementById("filters").addEventListener("submit", (event) => {
    event.preventDefault();
    loadTickets().catch((error) => say("error", { message: error.message }));
  });
  document.getElementById("claim").addEventListener("click", () => act("claim"));
  document.getElementById("unclaim").addEventListener("click", () => act("unclaim"));
  document.getElementById("answer-send").addEventListener("click", () => {
    const text = document.getElementById("answer-text").value.trim();
    if (!text) { say("empty"); return; }
    act("answer", { text });
  });
  document.getElementById("clarify-send").addEventListener("click", () => {
    const text = document.getElementById("answer-text").value.trim();
    if (!text) { say("empty"); return; }
    act("clarify", { text });
  });
  document.getElementById("close").addEventListener("click", () => act("close"));
  document.getElementById("reopen").addEventListener("click", () => act("reopen"));
  document.getElementById("approve").addEventListener("click", openPublish);
  document.getElementById("publish").addEventListener("submit", publish);
  document.getElementById("publish-cancel").addEventListener("click", () => { document.getElementById("publish").hidden = true; });
  document.getElementById("load-report").addEventListener("click", loadReport);
  if (credentials().token) enterDesk().catch(() => sessionStorage.removeItem("consulta.token"));
});
