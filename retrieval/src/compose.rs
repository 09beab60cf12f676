//! The answer text: the few sentences of the best passages that answer the question.
//!
//! There is no generative model on these machines, and practitioners want the source's own words
//! anyway; what they judge is whether the sentences shown answer what they asked. So each candidate
//! sentence is scored against the question, not only against its topic:
//! - **coverage**: the share of the question's content words (and glossary variants) it contains;
//! - **type**: a "when" question is answered by the sentence with the date, a "who" question by
//!   the one naming the actor, a "how much" question by the number, a yes/no question by the
//!   sentence that says yes or no ([`crate::intent`]);
//! - **place**: an FAQ entry opens with its answer, so when the entry's own question matches the
//!   asker's, its opening sentence leads; otherwise passages count in rank order.
//!
//! The answer then stays readable and short: sentences come from passages in one language only (the
//! asker's when any cited passage is in it), a sentence that leans on the one before it ("This
//! differs...", "Isso...") brings that one along or is left out, a sentence that repeats what an
//! earlier one said is dropped, and the text stops at [`MAX_CHARS`] characters (at
//! [`LIKELY_MAX_CHARS`] when a following sentence is about as likely to be the answer as the
//! leading one) and [`MAX_SENTENCES`] sentences: the citations carry the rest.

use std::collections::HashSet;

use consulta_corpus::{Lang, Passage, PassageKind};

use crate::analysis::Analyzers;
use crate::intent::QuestionType;
use crate::sentence_score::{ConsideredSentence, SentenceFeatures, UNKNOWN_GAP};
use crate::sentences::sentences;
use crate::text::{fold, words};

/// Characters of quoted text an answer may run to: a chat reply that fits a phone screen. The
/// leading sentence (with its antecedent) is always shown, whatever its length. Answers average
/// about 420 characters: most need one or two sentences, and a second one that is likely to be
/// the answer is worth its line (measured: 450 answers 0.62 of the tuning questions, 550 answers
/// 0.70 with the mean length unchanged).
pub(crate) const MAX_CHARS: usize = 550;
/// Sentences in an answer at most.
pub(crate) const MAX_SENTENCES: usize = 3;
/// The share of the candidates' softmax weight at which a following sentence is as likely to be
/// the answer as the one leading, often a long sentence holding the fact: it may take the answer
/// to [`LIKELY_MAX_CHARS`].
const LIKELY_FOLLOWER: f32 = 0.2;
/// Characters an answer may run to when its following sentence is [`LIKELY_FOLLOWER`]. Measured
/// offline on the gold sets' weighed sentences: held-out answered +2.3 points, tuning +0.6, the mean
/// length 417 → 440 characters.
const LIKELY_MAX_CHARS: usize = 750;
/// The share of the candidates' softmax weight (over their scores) a sentence after the first
/// needs: below it, it is filler on the topic rather than a likely answer. 0.1 keeps the mean
/// length of 0.05 answers 0.02 fewer tuning questions with answers 50 characters shorter.
const FOLLOWER_LIKELIHOOD: f32 = 0.1;
/// The share of the candidates' softmax weight a sentence that states the asked kind of fact (a
/// date for "when") needs to lead in place of a better-scored one that does not.
const STATING_LEAD_LIKELIHOOD: f32 = 0.05;
/// The weighted share of a question part's terms the shown sentences must hold for the part to
/// count as answered.
const PART_SHOWN: f32 = 0.5;
/// The share of a question part's terms the quoted passages must hold for the answer not to say
/// that the part is not covered ([`unanswered`]).
const PART_COVERED: f32 = 0.34;
/// Term overlap (Jaccard) at which a sentence only repeats one already chosen.
const REPEAT_OVERLAP: f32 = 0.6;

/// A passage that may be quoted, with what the composer needs to know about it.
pub(crate) struct Quotable<'a> {
    pub(crate) passage: &'a Passage,
    /// The entry's own question matches the asker's question (its question vector is close): its
    /// opening answer is the answer.
    pub(crate) question_matches: bool,
    /// The cosine of the entry's own question to the asker's, for FAQ entries.
    pub(crate) question_cosine: Option<f32>,
    /// The passage's evidence as a share of the best candidate's, in [0, 1].
    pub(crate) evidence_share: f32,
}

/// What the composer knows about the question.
pub(crate) struct Asked<'a> {
    /// The question's content words and glossary variants.
    pub(crate) search_text: &'a str,
    /// The reference codes the question cites ([`reference_codes`]), which its content words
    /// cut apart.
    pub(crate) codes: &'a [String],
    /// The question's language: the language of the answer when a passage in it can be quoted.
    pub(crate) lang: Lang,
    /// What kind of fact answers it.
    pub(crate) kind: QuestionType,
    /// How telling an analysed term of a language is (its inverse document frequency): coverage
    /// counts a rare word of the question more than a word every passage has.
    pub(crate) weight: &'a dyn Fn(Lang, &str) -> f32,
    /// How close a sentence's meaning is to the question's (the cosine of their vectors), when
    /// known.
    pub(crate) similarity: &'a dyn Fn(&str) -> Option<f32>,
    /// Whether two sentences say the same thing in other words (their vectors are about as close
    /// as a sentence is to itself): the second adds nothing.
    pub(crate) same_meaning: &'a dyn Fn(&str, &str) -> bool,
    /// Keep every candidate sentence with its features in [`Composed::considered`].
    pub(crate) trace: bool,
    /// Each part of a question of several parts (sentences ending in `?` or `;`); empty for a
    /// one-part question.
    pub(crate) parts: &'a [AskedPart],
}

/// One part of a question of several parts.
pub(crate) struct AskedPart {
    /// Its content words.
    pub(crate) words: String,
    /// What kind of fact answers it: "and who is exempt?" is answered by a sentence that names
    /// an actor, whatever the other parts ask.
    pub(crate) kind: QuestionType,
    /// It names something in capitals after its first word, an acronym or a name ("¿Qué es la
    /// CARP?"): a part of one content word can then be judged on its own, where "and when did it
    /// end?" only follows up on the part before.
    pub(crate) names_something: bool,
}

/// The composed answer: text with markers `[1]`, `[2]`... and, for each marker in order, the index
/// of the quoted passage in the input.
#[derive(Debug, PartialEq)]
pub(crate) struct Composed {
    pub(crate) text: String,
    pub(crate) cited: Vec<usize>,
    /// The share of the question's terms the quoted sentences contain, in [0, 1].
    pub(crate) coverage: f32,
    /// Whether a quoted sentence has the kind of fact the question's type asks for (always true
    /// for open questions).
    pub(crate) type_answered: bool,
    /// Every candidate sentence and its features, when [`Asked::trace`] asks for them.
    pub(crate) considered: Vec<ConsideredSentence>,
    /// The leading sentence's share of the candidates' softmax weight, in (0, 1].
    pub(crate) lead_likelihood: f32,
    /// The cosine of the leading sentence's vector to the question's, when it has one.
    pub(crate) lead_cosine: Option<f32>,
    /// The indices in [`Asked::parts`] of the parts the shown sentences do not answer
    /// ([`unanswered`]).
    pub(crate) unanswered_parts: Vec<usize>,
}

struct Candidate {
    passage: usize,
    sentence: usize,
    /// What the score is made of.
    features: SentenceFeatures,
    /// How well it answers, with the priors of where it stands (see [`crate::sentence_score`]).
    score: f32,
    /// Its share of the candidates' softmax weight over their scores: how likely it is to be the
    /// answer rather than another candidate.
    likelihood: f32,
    terms: HashSet<String>,
}

/// Composes an answer from `passages` (best first). See the module documentation.
pub(crate) fn compose(
    analyzers: &Analyzers,
    asked: &Asked<'_>,
    passages: &[Quotable<'_>],
) -> Composed {
    let answer_lang = answer_language(asked.lang, passages);
    let codes = asked.codes;
    let question_terms: HashSet<String> = analyzers
        .terms(answer_lang, asked.search_text)
        .into_iter()
        .chain(codes.iter().cloned())
        .collect();
    let weighted = WeightedTerms::with_codes(&question_terms, codes, |term| {
        (asked.weight)(answer_lang, term)
    });
    let split: Vec<Vec<String>> = passages
        .iter()
        .map(|q| {
            if q.passage.lang == answer_lang {
                sentences(&q.passage.text)
            } else {
                Vec::new()
            }
        })
        .collect();

    if split.iter().all(Vec::is_empty) {
        return Composed {
            text: String::new(),
            cited: Vec::new(),
            coverage: 0.0,
            type_answered: false,
            considered: Vec::new(),
            lead_likelihood: 0.0,
            lead_cosine: None,
            unanswered_parts: Vec::new(),
        };
    }
    let closeness = Closeness::new(asked, &split);
    let entry_questions = EntryQuestions::new(passages, &split);
    let mut candidates = Vec::new();
    for (index, (quotable, passage_sentences)) in passages.iter().zip(&split).enumerate() {
        let rank = passages[..index]
            .iter()
            .zip(&split)
            .filter(|(_, s)| !s.is_empty())
            .count();
        let is_entry = matches!(
            quotable.passage.kind,
            PassageKind::Faq | PassageKind::Curated
        );
        let flag = |on: bool| if on { 1.0 } else { 0.0 };
        for (s, sentence) in passage_sentences.iter().enumerate() {
            let terms: HashSet<String> = analyzers
                .terms(answer_lang, sentence)
                .into_iter()
                .chain(codes_cited(codes, sentence))
                .collect();
            let features = SentenceFeatures {
                coverage: weighted.coverage(&terms),
                type_fit: flag(
                    asked.kind != QuestionType::Open && fits(asked.kind, sentence, answer_lang),
                ),
                closeness: closeness.of(index, s),
                closeness_gap: closeness.gap(index, s),
                first_passage: flag(rank == 0),
                second_passage: flag(rank == 1),
                third_passage: flag(rank == 2),
                entry_opening: flag(is_entry && s == 0),
                entry_second: flag(is_entry && s == 1),
                section_opening: flag(!is_entry && s == 0),
                matched_opening: flag(is_entry && s == 0 && quotable.question_matches),
                question_closeness: entry_questions.closeness(quotable),
                question_gap: entry_questions.gap(quotable),
                evidence_share: quotable.evidence_share,
                leans: flag(s > 0 && leans_on_previous(sentence, answer_lang)),
            };
            candidates.push(Candidate {
                passage: index,
                sentence: s,
                score: features.score(),
                likelihood: 0.0,
                features,
                terms,
            });
        }
    }
    candidates.sort_by(|a, b| b.score.total_cmp(&a.score));
    if let Some(best) = candidates.first().map(|c| c.score) {
        let total: f32 = candidates.iter().map(|c| (c.score - best).exp()).sum();
        for candidate in &mut candidates {
            candidate.likelihood = (candidate.score - best).exp() / total;
        }
    }
    let lead = leading(&candidates, &split, asked.kind);
    let lead_likelihood = lead.map_or(0.0, |lead| lead.likelihood);
    let lead_cosine = lead.and_then(|lead| (asked.similarity)(&split[lead.passage][lead.sentence]));
    let considered = if asked.trace {
        candidates
            .iter()
            .map(|c| ConsideredSentence {
                text: split[c.passage][c.sentence].clone(),
                features: c.features.values(),
            })
            .collect()
    } else {
        Vec::new()
    };
    // A part's words can only be found in sentences of the asker's language. A word no candidate
    // has ("actually" in "what does it actually assess?") cannot tell them apart; weighed, as
    // the rarest of all, it would keep every sentence below half the part.
    let parts: Vec<WeightedTerms> = if answer_lang == asked.lang {
        asked
            .parts
            .iter()
            .map(|part| {
                let terms: HashSet<String> = analyzers
                    .terms(answer_lang, &part.words)
                    .into_iter()
                    .collect();
                WeightedTerms::new(&terms, |term| {
                    if candidates.iter().any(|c| c.terms.contains(term)) {
                        (asked.weight)(answer_lang, term)
                    } else {
                        0.0
                    }
                })
            })
            .collect()
    } else {
        Vec::new()
    };
    let chosen = lead.map_or_else(Vec::new, |lead| {
        choose(
            lead,
            &candidates,
            &split,
            answer_lang,
            &parts,
            asked.same_meaning,
        )
    });
    let mut text = String::new();
    let mut cited: Vec<usize> = Vec::new();
    let mut order: Vec<usize> = Vec::new();
    for &(p, _) in &chosen {
        if !order.contains(&p) {
            order.push(p);
        }
    }
    let mut shown: Vec<&Candidate> = Vec::new();
    let mut type_answered = asked.kind == QuestionType::Open;
    for p in order {
        for s in reading_order(&chosen, p) {
            if !text.is_empty() {
                text.push(' ');
            }
            let sentence = &split[p][s];
            text.push_str(sentence);
            // Every sentence of a quoted passage was a candidate: its terms are analysed already.
            shown.extend(
                candidates
                    .iter()
                    .find(|c| c.passage == p && c.sentence == s),
            );
            type_answered |= fits(asked.kind, sentence, answer_lang);
        }
        cited.push(p);
        text.push_str(&format!(" [{}]", cited.len()));
    }
    let shown_terms: HashSet<String> = shown.iter().flat_map(|c| c.terms.iter().cloned()).collect();
    let unanswered_parts = if parts.is_empty() {
        Vec::new()
    } else {
        // The entry's own question or the section's title says what the passage answers.
        let quoted_terms: HashSet<String> = candidates
            .iter()
            .filter(|c| cited.contains(&c.passage))
            .flat_map(|c| c.terms.iter().cloned())
            .chain(
                cited
                    .iter()
                    .flat_map(|&p| analyzers.terms(answer_lang, &passages[p].passage.title)),
            )
            .collect();
        asked
            .parts
            .iter()
            .zip(&parts)
            .enumerate()
            .filter(|(_, (part, terms))| {
                unanswered(part, terms, &quoted_terms, &shown, &split, answer_lang)
            })
            .map(|(i, _)| i)
            .collect()
    };
    Composed {
        text,
        cited,
        coverage: weighted.coverage(&shown_terms),
        type_answered,
        considered,
        lead_likelihood,
        lead_cosine,
        unanswered_parts,
    }
}

/// Whether the answer leaves `part` (its `terms`) unanswered: the passages it quotes hold less
/// than [`PART_COVERED`] of the part's terms, each counted once whatever its weight (a rare word
/// of the question, "receive", is often the one an answer says otherwise), or the part asks when
/// or how much and none of the `shown` sentences on it (sharing a term with it) states a time or a
/// number. "And how long does the Supervisory Body take?" is not answered by a sentence on the
/// Body's procedures that names no span of time, however many of the part's words it has. The
/// words themselves are looked for in the whole of the quoted passages, not only in the shown
/// sentences: an answer says a part's fact in its own words ("at most 93 % reaches the
/// participants" for "how much do participants receive?"), and a note on a part that is answered
/// teaches the asker to ignore notes. A part of one content word is judged only when it names
/// something ([`AskedPart::names_something`]).
fn unanswered(
    part: &AskedPart,
    terms: &WeightedTerms,
    quoted_terms: &HashSet<String>,
    shown: &[&Candidate],
    split: &[Vec<String>],
    lang: Lang,
) -> bool {
    let judged = match terms.terms.len() {
        0 => false,
        1 => part.names_something,
        _ => true,
    };
    if !judged {
        return false;
    }
    if terms.share_found(quoted_terms) < PART_COVERED {
        return true;
    }
    !shown
        .iter()
        .filter(|c| terms.terms.iter().any(|(term, _)| c.terms.contains(term)))
        .any(|c| states_asked_figure(part.kind, &split[c.passage][c.sentence], lang))
}

/// Whether `sentence` states the figure a question of type `kind` asks for: a time for "when"
/// ([`states_a_time`]), a number for "how much"; any sentence may answer the other types, whose
/// answers take too many forms to tell ("who is exempt?": "the least developed countries").
pub(crate) fn states_asked_figure(kind: QuestionType, sentence: &str, lang: Lang) -> bool {
    match kind {
        QuestionType::When => states_a_time(sentence),
        QuestionType::HowMuch => fits(kind, sentence, lang),
        QuestionType::Who | QuestionType::Open | QuestionType::YesNo => true,
    }
}

/// The one language the answer quotes: the asker's, when retrieval's first choice is in it or its
/// document has a quotable version in it; otherwise the first choice's. Quoting a weaker passage
/// only because it is in the asker's language answers another question (asked about the Dominican
/// Republic, a sentence on Costa Rica).
fn answer_language(asker: Lang, passages: &[Quotable<'_>]) -> Lang {
    let Some(first) = passages.first() else {
        return asker;
    };
    let in_asker = |q: &&Quotable<'_>| q.passage.lang == asker;
    if in_asker(&first)
        || passages
            .iter()
            .filter(in_asker)
            .any(|q| q.passage.doc_id == first.passage.doc_id)
    {
        asker
    } else {
        first.passage.lang
    }
}

/// The chosen sentences of passage `p` in the order they are read: the leading sentence first
/// (it is the answer), the rest as the passage has them, so that an antecedent comes before the
/// sentence that leans on it and an FAQ entry's explanation follows its answer.
fn reading_order(chosen: &[(usize, usize)], p: usize) -> Vec<usize> {
    let mut in_passage: Vec<usize> = chosen
        .iter()
        .filter(|(q, _)| *q == p)
        .map(|(_, s)| *s)
        .collect();
    let Some(&lead) = in_passage.first() else {
        return in_passage;
    };
    // An antecedent is chosen just before the sentence that leans on it: they read in order.
    let leans = in_passage.len() > 1 && in_passage[1] == in_passage[0] + 1;
    if leans || chosen.first().is_none_or(|(q, _)| *q != p) {
        in_passage.sort_unstable();
        return in_passage;
    }
    in_passage.remove(0);
    in_passage.sort_unstable();
    in_passage.insert(0, lead);
    in_passage
}

/// The sentence that leads the answer: the best one, except that a "who", "when" or "how much"
/// question is led by the best sentence that names an actor, a date or a number when the best one
/// does not and that one is likely enough to be the answer (the deadline question is answered by
/// the date). The confidence reads the leading sentence's likelihood and closeness from this one,
/// the sentence the asker reads first.
fn leading<'a>(
    candidates: &'a [Candidate],
    split: &[Vec<String>],
    kind: QuestionType,
) -> Option<&'a Candidate> {
    let best = candidates.first()?;
    // A who or how-much sentence states its fact when it fits the type (already weighed as
    // `type_fit`); a when sentence needs more than a word about time.
    let states = |c: &Candidate| match kind {
        QuestionType::When => states_a_time(&split[c.passage][c.sentence]),
        QuestionType::Who | QuestionType::HowMuch => c.features.type_fit > 0.0,
        QuestionType::Open | QuestionType::YesNo => true,
    };
    if states(best) {
        return Some(best);
    }
    let stating = candidates
        .iter()
        .find(|c| states(c))
        .filter(|c| c.likelihood >= STATING_LEAD_LIKELIHOOD);
    Some(stating.unwrap_or(best))
}

/// Picks the sentences to show after `lead` ([`leading`]), as `(passage, sentence)` pairs; an
/// antecedent is pushed just before the sentence that leans on it.
///
/// Each part of a question of several parts that the chosen sentences leave uncovered gets the
/// best sentence for it, when one fits: a second question asked in the same message is worth more
/// than a second sentence on the first. Another sentence follows only when it too is likely to be
/// the answer (its share of the candidates' softmax weight reaches [`FOLLOWER_LIKELIHOOD`]), says
/// something not yet shown, and fits the [`MAX_CHARS`] and [`MAX_SENTENCES`] budget: a question
/// one sentence answers gets one sentence, and one whose answer is uncertain between two gets
/// both.
fn choose<'a>(
    lead: &'a Candidate,
    candidates: &'a [Candidate],
    split: &[Vec<String>],
    lang: Lang,
    parts: &[WeightedTerms],
    same_meaning: &dyn Fn(&str, &str) -> bool,
) -> Vec<(usize, usize)> {
    let mut selection = Selection {
        chosen: Vec::new(),
        chosen_terms: Vec::new(),
        chars: 0,
        same_meaning,
    };
    selection.add(lead, split, lang, MAX_CHARS);
    for part in parts {
        let shown = |selection: &Selection<'_>| {
            let terms: HashSet<String> = selection
                .chosen_terms
                .iter()
                .flat_map(|terms| terms.iter().cloned())
                .collect();
            part.coverage(&terms)
        };
        if shown(&selection) >= PART_SHOWN {
            continue;
        }
        let for_part = candidates
            .iter()
            .filter(|c| part.coverage(&c.terms) >= PART_SHOWN)
            .max_by(|a, b| {
                let fit = |c: &Candidate| c.score + part.coverage(&c.terms);
                fit(a).total_cmp(&fit(b))
            });
        if let Some(candidate) = for_part {
            selection.add(candidate, split, lang, MAX_CHARS);
        }
    }
    for candidate in candidates {
        if candidate.likelihood >= FOLLOWER_LIKELIHOOD {
            let budget = if candidate.likelihood >= LIKELY_FOLLOWER {
                LIKELY_MAX_CHARS
            } else {
                MAX_CHARS
            };
            selection.add(candidate, split, lang, budget);
        }
    }
    selection.chosen
}

/// The sentences chosen so far, with their terms and length.
struct Selection<'a> {
    chosen: Vec<(usize, usize)>,
    chosen_terms: Vec<&'a HashSet<String>>,
    chars: usize,
    /// [`Asked::same_meaning`].
    same_meaning: &'a dyn Fn(&str, &str) -> bool,
}

impl<'a> Selection<'a> {
    /// Adds `candidate` (after its antecedent when it leans on one) unless it repeats what is
    /// shown or takes the answer over `budget` characters; the first sentence is always added.
    fn add(&mut self, candidate: &'a Candidate, split: &[Vec<String>], lang: Lang, budget: usize) {
        let leading = self.chosen.is_empty();
        if !leading
            && (self.chosen.len() >= MAX_SENTENCES
                || self
                    .chosen
                    .contains(&(candidate.passage, candidate.sentence))
                || self
                    .chosen_terms
                    .iter()
                    .any(|terms| jaccard(terms, &candidate.terms) >= REPEAT_OVERLAP)
                || self.chosen.iter().any(|&(p, s)| {
                    (self.same_meaning)(&split[p][s], &split[candidate.passage][candidate.sentence])
                }))
        {
            return;
        }
        let sentence = &split[candidate.passage][candidate.sentence];
        let needs_antecedent = candidate.sentence > 0
            && leans_on_previous(sentence, lang)
            && !self
                .chosen
                .contains(&(candidate.passage, candidate.sentence - 1));
        let antecedent_chars = if needs_antecedent {
            split[candidate.passage][candidate.sentence - 1]
                .chars()
                .count()
                + 1
        } else {
            0
        };
        let added = sentence.chars().count() + 1 + antecedent_chars;
        if !leading && self.chars + added > budget {
            return;
        }
        if needs_antecedent {
            if !leading && self.chosen.len() + 2 > MAX_SENTENCES {
                return;
            }
            self.chosen
                .push((candidate.passage, candidate.sentence - 1));
        }
        self.chosen.push((candidate.passage, candidate.sentence));
        self.chosen_terms.push(&candidate.terms);
        self.chars += added;
    }
}

/// The lowest and highest of a set of cosines, to place one among them: cosines of one model sit
/// in a narrow band (0.75 to 0.9), and what tells candidates apart is their order within it.
struct CosineRange {
    low: f32,
    high: f32,
}

impl CosineRange {
    fn new(cosines: impl IntoIterator<Item = f32>) -> CosineRange {
        let (low, high) = cosines
            .into_iter()
            .fold((f32::MAX, f32::MIN), |(low, high), c| {
                (low.min(c), high.max(c))
            });
        CosineRange { low, high }
    }

    /// `cosine` scaled to [0, 1] between the lowest and the highest; `None` when they are equal.
    fn scaled(&self, cosine: f32) -> Option<f32> {
        (self.high > self.low).then(|| (cosine - self.low) / (self.high - self.low))
    }

    /// `cosine` minus the highest (≤ 0).
    fn gap(&self, cosine: f32) -> f32 {
        cosine - self.high
    }
}

/// Each candidate sentence's closeness in meaning to the question, among the candidates.
struct Closeness {
    /// By passage, by sentence: the cosine, when known.
    cosines: Vec<Vec<Option<f32>>>,
    range: CosineRange,
}

impl Closeness {
    fn new(asked: &Asked<'_>, split: &[Vec<String>]) -> Closeness {
        let cosines: Vec<Vec<Option<f32>>> = split
            .iter()
            .map(|sentences| sentences.iter().map(|s| (asked.similarity)(s)).collect())
            .collect();
        let range = CosineRange::new(cosines.iter().flatten().flatten().copied());
        Closeness { cosines, range }
    }

    /// Sentence `s` of passage `p`: 1 for the closest candidate, 0 for the farthest or unknown.
    fn of(&self, p: usize, s: usize) -> f32 {
        self.cosines[p][s]
            .and_then(|cosine| self.range.scaled(cosine))
            .unwrap_or(0.0)
    }

    /// Sentence `s` of passage `p`: its cosine minus the closest candidate's.
    fn gap(&self, p: usize, s: usize) -> f32 {
        self.cosines[p][s].map_or(UNKNOWN_GAP, |cosine| self.range.gap(cosine))
    }
}

/// How close each candidate FAQ entry's own question is to the asker's, among the entries that
/// may be quoted: a paraphrase of the question it answers marks the entry that answers.
struct EntryQuestions {
    range: CosineRange,
}

impl EntryQuestions {
    fn new(passages: &[Quotable<'_>], split: &[Vec<String>]) -> EntryQuestions {
        let range = CosineRange::new(
            passages
                .iter()
                .zip(split)
                .filter(|(_, sentences)| !sentences.is_empty())
                .filter_map(|(q, _)| q.question_cosine),
        );
        EntryQuestions { range }
    }

    /// 1 for the closest entry question, 0 for the farthest or a passage without one; 1 when only
    /// one entry has a question.
    fn closeness(&self, quotable: &Quotable<'_>) -> f32 {
        quotable
            .question_cosine
            .map_or(0.0, |cosine| self.range.scaled(cosine).unwrap_or(1.0))
    }

    /// The entry's question cosine minus the closest one's.
    fn gap(&self, quotable: &Quotable<'_>) -> f32 {
        quotable
            .question_cosine
            .map_or(UNKNOWN_GAP, |cosine| self.range.gap(cosine))
    }
}

/// The question's terms with their weights.
struct WeightedTerms {
    terms: Vec<(String, f32)>,
    total: f32,
}

impl WeightedTerms {
    fn new(terms: &HashSet<String>, weight: impl Fn(&str) -> f32) -> WeightedTerms {
        let terms: Vec<(String, f32)> = terms
            .iter()
            .map(|term| (term.clone(), weight(term).max(0.0)))
            .collect();
        let total = terms.iter().map(|(_, w)| w).sum();
        WeightedTerms { terms, total }
    }

    /// Like [`Self::new`], with the question's reference `codes` among `terms` weighing as much
    /// together as all its words: a question citing a document asks about that document, and
    /// a sentence citing another one ("4/CMA.6" for "6/CMA.6") answers for something else.
    fn with_codes(
        terms: &HashSet<String>,
        codes: &[String],
        weight: impl Fn(&str) -> f32,
    ) -> WeightedTerms {
        let is_code = |term: &str| codes.iter().any(|code| code == term);
        let mut weighted =
            WeightedTerms::new(terms, |term| if is_code(term) { 0.0 } else { weight(term) });
        let words = weighted.total;
        let cited = weighted.terms.iter().filter(|(t, _)| is_code(t)).count();
        if cited > 0 && words > 0.0 {
            for (term, w) in &mut weighted.terms {
                if is_code(term) {
                    *w = words / cited as f32;
                }
            }
            weighted.total = 2.0 * words;
        }
        weighted
    }

    /// The share of the terms found in `found`, each counted once, in [0, 1].
    fn share_found(&self, found: &HashSet<String>) -> f32 {
        if self.terms.is_empty() {
            return 0.0;
        }
        let hit = self
            .terms
            .iter()
            .filter(|(term, _)| found.contains(term))
            .count();
        hit as f32 / self.terms.len() as f32
    }

    /// The weighted share of the question's terms found in `found`, in [0, 1].
    fn coverage(&self, found: &HashSet<String>) -> f32 {
        if self.total <= 0.0 {
            return 0.0;
        }
        let hit: f32 = self
            .terms
            .iter()
            .filter(|(term, _)| found.contains(term))
            .map(|(_, w)| w)
            .sum();
        hit / self.total
    }
}

/// The reference codes `text` cites, folded: decision symbols ("6/CMA.6"), forms and standards
/// ("A6.4-FORM-GOV-001", "GOV-001"). The analysers cut a code into its letters and numbers, so
/// "4/CMA.6" would cover a question on "6/CMA.6" as well as the decision asked about; whole, a
/// code is the question's rarest term, and only a sentence citing that very document has it.
pub(crate) fn reference_codes(text: &str) -> Vec<String> {
    let mut codes: Vec<String> = text
        .split_whitespace()
        .map(|token| token.trim_matches(|c: char| !c.is_alphanumeric()))
        .filter(|token| is_code(token))
        .map(fold)
        .collect();
    codes.sort_unstable();
    codes.dedup();
    codes
}

/// `text` without its reference codes: what the analysers should read of a question whose codes
/// are weighed whole, so that the "6" and "CMA" of "6/CMA.6" do not cover a sentence on
/// "4/CMA.6".
pub(crate) fn without_codes(text: &str) -> String {
    text.split_whitespace()
        .filter(|token| !is_code(token.trim_matches(|c: char| !c.is_alphanumeric())))
        .collect::<Vec<_>>()
        .join(" ")
}

/// A token with a digit, two letters or more, and a `/` or `-` between them.
fn is_code(token: &str) -> bool {
    token.contains(['/', '-'])
        && token.chars().any(|c| c.is_ascii_digit())
        && token.chars().filter(|c| c.is_alphabetic()).count() >= 2
}

/// Those of the question's `codes` that `sentence` cites: a sentence naming
/// "A6.4-FORM-GOV-001" cites the "GOV-001" a question asked about.
fn codes_cited<'c>(codes: &'c [String], sentence: &str) -> impl Iterator<Item = String> + 'c {
    let folded = if codes.is_empty() {
        String::new()
    } else {
        fold(sentence)
    };
    codes
        .iter()
        .filter(move |code| folded.contains(code.as_str()))
        .cloned()
}

fn jaccard(a: &HashSet<String>, b: &HashSet<String>) -> f32 {
    let union = a.union(b).count();
    if union == 0 {
        return 1.0;
    }
    a.intersection(b).count() as f32 / union as f32
}

/// Whether `sentence` has the kind of fact a question of type `kind` asks for.
pub(crate) fn fits(kind: QuestionType, sentence: &str, lang: Lang) -> bool {
    let folded: Vec<String> = words(sentence).map(fold).collect();
    let has = |list: &[&str]| folded.iter().any(|w| list.contains(&w.as_str()));
    match kind {
        QuestionType::Open => true,
        QuestionType::Who => has(actors(lang)),
        QuestionType::When => {
            has(MONTHS) || folded.iter().any(|w| is_year(w)) || has(time_words(lang))
        }
        QuestionType::HowMuch => has_quantity(sentence) || has(NUMBER_WORDS),
        QuestionType::YesNo => {
            let first = folded.first().map(String::as_str).unwrap_or_default();
            POLARITY_OPENERS.contains(&first) || has(negations(lang))
        }
    }
}

/// Whether `sentence` says when: a date, a span ("30 days") or a time set by an event ("no later
/// than the authorization", "a más tardar", "até"), not just a word about time ("annual", "year")
/// as [`fits`] accepts when weighing sentences.
fn states_a_time(sentence: &str) -> bool {
    let folded: Vec<String> = words(sentence).map(fold).collect();
    let has = |list: &[&str]| folded.iter().any(|w| list.contains(&w.as_str()));
    let number = has_quantity(sentence) || has(NUMBER_WORDS);
    folded.iter().any(|w| is_year(w))
        || has(MONTHS)
        || has(TIME_SET_BY_EVENT)
        || (number && has(SPANS))
}

/// Units a span of time is counted in, folded.
const SPANS: &[&str] = &["dias", "meses", "semanas", "days", "months", "weeks"];

/// Words that set a time by an event or a limit ("no later than", "a más tardar", "até", "until",
/// "within"), folded: the answer to a "when" question that has no date.
const TIME_SET_BY_EVENT: &[&str] = &[
    "tardar",
    "hasta",
    "antes",
    "despues",
    "plazo",
    "ate",
    "depois",
    "prazo",
    "later",
    "until",
    "before",
    "after",
    "within",
    "prior",
    "deadline",
    "immediately",
    "inmediatamente",
    "imediatamente",
];

/// Whether `sentence` states a quantity in figures: a number that is not a year, a decision symbol
/// ("3/CMA.3") or a paragraph reference ("§ 73", "para 24").
fn has_quantity(sentence: &str) -> bool {
    let mut previous = String::new();
    for token in sentence.split_whitespace() {
        let word = token.trim_matches(|c: char| !c.is_alphanumeric() && c != '%');
        let reference = matches!(
            previous.as_str(),
            "§" | "§§"
                | "para"
                | "paras"
                | "parr"
                | "parrs"
                | "paragraph"
                | "paragraphs"
                | "art"
                | "articulo"
                | "artigo"
                | "article"
                | "decreto"
                | "ley"
                | "lei"
                | "law"
                | "n°"
                | "nº"
        );
        previous = fold(token.trim_end_matches(['.', ',']));
        if reference
            || word.contains('/')
            || token.contains('/')
            || is_year(word)
            || !word.starts_with(|c: char| c.is_ascii_digit())
        {
            continue;
        }
        return true;
    }
    false
}

fn is_year(word: &str) -> bool {
    word.len() == 4
        && (word.starts_with("19") || word.starts_with("20"))
        && word.chars().all(|c| c.is_ascii_digit())
}

/// Whether `sentence` refers back to the one before it, so that alone it would dangle: it opens
/// with a demonstrative, a pronoun, a connective, or (in Spanish and Portuguese, which drop the
/// subject) a verb whose subject is in the sentence before.
pub(crate) fn leans_on_previous(sentence: &str, lang: Lang) -> bool {
    let folded: Vec<String> = words(sentence).take(2).map(fold).collect();
    let Some(first) = folded.first() else {
        return false;
    };
    if leaning_openers(lang).contains(&first.as_str()) {
        return true;
    }
    let pair = folded.join(" ");
    LEANING_PAIRS.contains(&pair.as_str())
}

/// Folded first words that make a sentence depend on the one before, per language (Spanish "o"
/// is "or", Portuguese "o" is "the").
fn leaning_openers(lang: Lang) -> &'static [&'static str] {
    match lang {
        Lang::Es => &[
            "esto", "eso", "ello", "estos", "estas", "esos", "esas", "dicho", "dicha", "dichos",
            "dichas", "tambien", "ademas", "asimismo", "o", "pero", "aun", "alli", "ahi",
            "entonces", "tal", "tales", "su", "sus", "es", "son", "puede", "pueden", "debe",
            "deben", "tiene", "tienen", "ella", "ellas", "ellos",
        ],
        Lang::Pt => &[
            "isso",
            "isto",
            "ele",
            "ela",
            "eles",
            "elas",
            "nele",
            "nela",
            "neles",
            "nelas",
            "esse",
            "essa",
            "esses",
            "essas",
            "tambem",
            "porem",
            "contudo",
            "entretanto",
            "ou",
            "mas",
            "assim",
            "nesse",
            "nesses",
            "dessa",
            "desse",
            "tal",
            "tais",
            "seu",
            "sua",
            "seus",
            "suas",
            "e",
            "sao",
            "pode",
            "podem",
            "deve",
            "devem",
            "tem",
            "entao",
        ],
        Lang::En => &[
            "this",
            "these",
            "that",
            "those",
            "it",
            "its",
            "he",
            "she",
            "they",
            "their",
            "them",
            "also",
            "however",
            "instead",
            "or",
            "but",
            "so",
            "such",
            "likewise",
            "otherwise",
            "then",
            "both",
        ],
    }
}

/// Folded two-word openings that do the same ("sin embargo", "in that case").
const LEANING_PAIRS: &[&str] = &[
    "sin embargo",
    "en cambio",
    "por eso",
    "por ello",
    "lo mismo",
    "en ese",
    "en esos",
    "en ambos",
    "en este",
    "alem disso",
    "no entanto",
    "em ambos",
    "neste caso",
    "in that",
    "in both",
    "in this",
    "the same",
    "even so",
];

/// Folded words that open a sentence answering yes or no.
const POLARITY_OPENERS: &[&str] = &[
    "si",
    "no",
    "sim",
    "nao",
    "yes",
    "only",
    "solo",
    "solamente",
    "unicamente",
    "apenas",
    "somente",
    "normalmente",
    "generally",
    "usually",
    "not",
    "ninguno",
    "ninguna",
    "nenhum",
    "nenhuma",
    "none",
];

fn negations(lang: Lang) -> &'static [&'static str] {
    match lang {
        Lang::Es => &[
            "no",
            "nunca",
            "ningun",
            "ninguna",
            "tampoco",
            "solo",
            "unicamente",
            "sino",
        ],
        Lang::Pt => &[
            "nao", "nunca", "nenhum", "nenhuma", "tampouco", "apenas", "somente", "so",
        ],
        Lang::En => &["not", "no", "never", "cannot", "only", "neither", "nor"],
    }
}

fn actors(lang: Lang) -> &'static [&'static str] {
    match lang {
        Lang::Es => &[
            "parte",
            "partes",
            "pais",
            "paises",
            "autoridad",
            "autoridades",
            "organo",
            "secretaria",
            "gobierno",
            "gobiernos",
            "ministerio",
            "comite",
            "entidad",
            "entidades",
            "expertos",
            "equipo",
            "anfitrion",
            "comprador",
            "vendedor",
            "desarrollador",
            "desarrolladores",
            "participantes",
            "eod",
            "and",
            "cma",
            "quien",
            "quienes",
        ],
        Lang::Pt => &[
            "parte",
            "partes",
            "pais",
            "paises",
            "autoridade",
            "autoridades",
            "orgao",
            "secretariado",
            "governo",
            "governos",
            "ministerio",
            "comite",
            "entidade",
            "entidades",
            "especialistas",
            "equipe",
            "anfitriao",
            "comprador",
            "vendedor",
            "desenvolvedor",
            "desenvolvedores",
            "participantes",
            "eod",
            "and",
            "cma",
            "quem",
        ],
        Lang::En => &[
            "party",
            "parties",
            "country",
            "countries",
            "authority",
            "authorities",
            "body",
            "secretariat",
            "government",
            "governments",
            "ministry",
            "committee",
            "entity",
            "entities",
            "experts",
            "team",
            "host",
            "buyer",
            "seller",
            "developer",
            "developers",
            "participants",
            "doe",
            "dna",
            "cma",
            "who",
        ],
    }
}

fn time_words(lang: Lang) -> &'static [&'static str] {
    match lang {
        Lang::Es => &[
            "antes",
            "despues",
            "tardar",
            "hasta",
            "plazo",
            "fecha",
            "ano",
            "anos",
            "cuando",
            "momento",
            "durante",
            "dias",
            "meses",
            "anual",
            "anualmente",
            "inmediatamente",
        ],
        Lang::Pt => &[
            "antes",
            "depois",
            "ate",
            "prazo",
            "data",
            "ano",
            "anos",
            "quando",
            "momento",
            "durante",
            "dias",
            "meses",
            "anual",
            "anualmente",
            "imediatamente",
        ],
        Lang::En => &[
            "before",
            "after",
            "by",
            "until",
            "deadline",
            "later",
            "year",
            "years",
            "when",
            "within",
            "prior",
            "days",
            "months",
            "annual",
            "annually",
            "immediately",
        ],
    }
}

/// Month names, folded, in the three languages.
const MONTHS: &[&str] = &[
    "enero",
    "febrero",
    "marzo",
    "abril",
    "mayo",
    "junio",
    "julio",
    "agosto",
    "septiembre",
    "setiembre",
    "octubre",
    "noviembre",
    "diciembre",
    "janeiro",
    "fevereiro",
    "marco",
    "maio",
    "junho",
    "julho",
    "setembro",
    "outubro",
    "novembro",
    "dezembro",
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
];

/// Numbers written as words.
const NUMBER_WORDS: &[&str] = &[
    "uno",
    "una",
    "dos",
    "tres",
    "cuatro",
    "cinco",
    "seis",
    "siete",
    "ocho",
    "nueve",
    "diez",
    "mitad",
    "um",
    "uma",
    "duas",
    "quatro",
    "sete",
    "oito",
    "nove",
    "dez",
    "metade",
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "half",
    "percent",
    "porcentaje",
    "percentual",
    "ciento",
    "cento",
];

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_support::bare_passage;

    fn passage(lang: Lang, text: &str) -> Passage {
        bare_passage("00000000000000a1", lang, text)
    }

    fn guide(lang: Lang, text: &str) -> Passage {
        Passage {
            kind: PassageKind::Guide,
            ..passage(lang, text)
        }
    }

    fn quote(passages: &[&Passage]) -> Vec<Quotable<'static>> {
        passages
            .iter()
            .map(|p| Quotable {
                passage: Box::leak(Box::new((*p).clone())),
                question_matches: false,
                question_cosine: None,
                evidence_share: 1.0,
            })
            .collect()
    }

    /// What the composer is told of a question whose content words are `search_text`: every
    /// word weighs the same, no sentence has a vector, and no two sentences mean the same.
    fn asked_of(search_text: &str, lang: Lang, kind: QuestionType) -> Asked<'_> {
        fn same_weight(_: Lang, _: &str) -> f32 {
            1.0
        }
        fn no_vector(_: &str) -> Option<f32> {
            None
        }
        fn never_alike(_: &str, _: &str) -> bool {
            false
        }
        Asked {
            codes: &[],
            search_text,
            lang,
            kind,
            weight: &same_weight,
            similarity: &no_vector,
            trace: false,
            same_meaning: &never_alike,
            parts: &[],
        }
    }

    fn ask(
        search_text: &str,
        lang: Lang,
        kind: QuestionType,
        passages: &[Quotable<'_>],
    ) -> Composed {
        compose(
            &Analyzers::new(),
            &asked_of(search_text, lang, kind),
            passages,
        )
    }

    /// Asserts that the answer's text opens with `start`.
    fn assert_leads(composed: &Composed, start: &str) {
        assert!(composed.text.starts_with(start), "{}", composed.text);
    }

    /// Asks a "when" question (its content words `search_text`) of one English guide section.
    fn ask_when(search_text: &str, text: &str) -> Composed {
        let section = guide(Lang::En, text);
        ask(
            search_text,
            Lang::En,
            QuestionType::When,
            &quote(&[&section]),
        )
    }

    #[test]
    fn the_sentence_closest_in_meaning_leads_when_words_do_not_decide() {
        let registry = guide(
            Lang::En,
            "The international registry tracks ITMOs for Parties that choose it. Parties without a \
             registry of their own may use the international registry instead of building one.",
        );
        let passages = quote(&[&registry]);
        let by_words = ask("registry", Lang::En, QuestionType::Open, &passages);
        assert_leads(&by_words, "The international registry tracks");

        let asked = Asked {
            similarity: &|sentence: &str| {
                Some(if sentence.contains("instead of building") {
                    0.9
                } else {
                    0.8
                })
            },
            ..asked_of("registry", Lang::En, QuestionType::Open)
        };
        let by_meaning = compose(&Analyzers::new(), &asked, &passages);
        assert_leads(&by_meaning, "Parties without a registry");
    }

    #[test]
    fn each_part_of_a_two_part_question_gets_its_sentence() {
        let report = guide(
            Lang::En,
            "The initial report is due when the first ITMO is authorized. It describes the \
             approach.",
        );
        let levy = guide(
            Lang::En,
            "The share of proceeds for adaptation is not mandatory under Article 6.2.",
        );
        let mut passages = quote(&[&report, &levy]);
        passages[1].evidence_share = 0.3;
        let search_text = "initial report due first ITMO authorized approach share";
        let compose_with = |parts: &[AskedPart]| {
            let asked = Asked {
                parts,
                ..asked_of(search_text, Lang::En, QuestionType::Open)
            };
            compose(&Analyzers::new(), &asked, &passages)
        };
        let whole = compose_with(&[]);
        assert_leads(&whole, "The initial report is due");
        assert!(!whole.text.contains("not mandatory"), "{}", whole.text);

        let parts = open_parts(&["initial report due", "share proceeds adaptation mandatory"]);
        let by_parts = compose_with(&parts);
        assert_leads(&by_parts, "The initial report is due");
        assert!(by_parts.text.contains("not mandatory"), "{}", by_parts.text);
        assert_eq!(by_parts.cited, [0, 1]);
    }

    /// Parts of a question with these content words, each an open question.
    fn open_parts(words: &[&str]) -> Vec<AskedPart> {
        words
            .iter()
            .map(|words| AskedPart {
                words: words.to_string(),
                kind: QuestionType::Open,
                names_something: false,
            })
            .collect()
    }

    #[test]
    fn a_when_part_whose_words_are_shown_without_a_time_is_unanswered() {
        let parts = |kind: QuestionType| {
            vec![
                AskedPart {
                    words: "methodology approved supervisory body".to_string(),
                    kind: QuestionType::Open,
                    names_something: false,
                },
                AskedPart {
                    words: "long supervisory body approve methodology".to_string(),
                    kind,
                    names_something: false,
                },
            ]
        };
        let compose_part = |text: &str, kind: QuestionType| {
            let procedures = guide(Lang::En, text);
            let parts = parts(kind);
            let asked = Asked {
                parts: &parts,
                ..asked_of(
                    "methodology approved supervisory body long",
                    Lang::En,
                    QuestionType::Open,
                )
            };
            compose(&Analyzers::new(), &asked, &quote(&[&procedures]))
        };
        let procedures = "The Supervisory Body approves each methodology at one of its meetings.";
        let when = compose_part(procedures, QuestionType::When);
        assert_eq!(when.unanswered_parts, [1], "{}", when.text);
        // Asked as an open question, the same words are answered by the same sentence.
        assert!(
            compose_part(procedures, QuestionType::Open)
                .unanswered_parts
                .is_empty()
        );
        // With the span of time, the part is answered.
        let timed = compose_part(
            "The Supervisory Body approves each methodology within 120 days of its submission.",
            QuestionType::When,
        );
        assert!(timed.unanswered_parts.is_empty(), "{}", timed.text);
    }

    #[test]
    fn a_part_whose_words_the_quoted_passages_lack_is_unanswered() {
        let report = guide(
            Lang::En,
            "The initial report is due when the first ITMO is authorized.",
        );
        let parts = open_parts(&["initial report due", "price tonne today market"]);
        let asked = Asked {
            parts: &parts,
            ..asked_of("initial report due price", Lang::En, QuestionType::Open)
        };
        let composed = compose(&Analyzers::new(), &asked, &quote(&[&report]));
        assert_eq!(composed.unanswered_parts, [1], "{}", composed.text);
    }

    #[test]
    fn a_when_question_gets_the_sentence_with_the_date() {
        let composed = ask_when(
            "initial report",
            "The initial report describes the cooperative approach and its metrics. The initial \
             report is due no later than the authorization of ITMOs.",
        );
        assert_leads(&composed, "The initial report is due no later than");
        assert!(composed.type_answered);
    }

    #[test]
    fn a_deadline_question_is_led_by_the_date_not_by_a_word_of_time() {
        let composed = ask_when(
            "annual information agreed electronic format tables",
            "The annual information on ITMO actions is submitted in the agreed electronic format \
             with its tables for authorizations, actions, holdings and authorized entities. Each \
             participating Party submits the annual information by 15 April of the following \
             year.",
        );
        assert_leads(&composed, "Each participating Party submits");
        // The confidence weighs the sentence the asker reads first, not the best-scoring one: of
        // two candidates, the one led with here is the less likely.
        assert!(
            composed.lead_likelihood < 0.5,
            "{}",
            composed.lead_likelihood
        );
    }

    #[test]
    fn a_time_set_by_an_event_answers_a_when_question_without_a_date() {
        let composed = ask_when(
            "party submit initial report authorizes ITMOs",
            "A Party submits its initial report no later than when it authorizes ITMOs. Guyana \
             submitted its report in April 2024.",
        );
        assert_leads(&composed, "A Party submits its initial report");
    }

    #[test]
    fn a_second_question_is_served_before_a_second_sentence_on_the_first() {
        assert_serves_the_second_part(
            "from its design onwards, under the standards of the Supervisory Body",
            "sustainable development tool mandatory activity mechanism assess",
            "assess",
        );
    }

    #[test]
    fn words_no_sentence_has_do_not_keep_a_part_unserved() {
        // "actually" and "in practice" are in no sentence: weighed, they would leave the sentence
        // that says what is assessed a third of the part, short of serving it.
        assert_serves_the_second_part(
            "from its design onwards",
            "sustainable development tool mandatory activity mechanism",
            "actually assess in practice",
        );
    }

    /// Asks the yes/no question "is the tool mandatory?" with a second part, `second_part`, of a
    /// guide section whose second sentence ends with `second_sentence_end`, and asserts that the
    /// answer serves the second part with the sentence on what is assessed.
    #[track_caller]
    fn assert_serves_the_second_part(
        second_sentence_end: &str,
        search_text: &str,
        second_part: &str,
    ) {
        let tool = guide(
            Lang::En,
            &format!(
                "The sustainable development tool is mandatory for every activity of the \
                 mechanism. Every activity of the mechanism applies the mandatory sustainable \
                 development tool {second_sentence_end}. Participants assess environmental and \
                 social risks against safeguards."
            ),
        );
        let parts = open_parts(&["sustainable development tool mandatory", second_part]);
        let asked = Asked {
            parts: &parts,
            ..asked_of(search_text, Lang::En, QuestionType::YesNo)
        };
        let composed = compose(&Analyzers::new(), &asked, &quote(&[&tool]));
        assert!(
            composed.text.contains("environmental and social risks"),
            "{second_part:?}: {}",
            composed.text
        );
    }

    #[test]
    fn a_yes_no_question_gets_the_yes_or_no_first() {
        let faq = guide(
            Lang::En,
            "The share of proceeds is a levy of the Article 6.4 mechanism. For cooperative \
             approaches it is not mandatory: Parties are only encouraged to contribute.",
        );
        let composed = ask(
            "share proceeds apply cooperative approaches",
            Lang::En,
            QuestionType::YesNo,
            &quote(&[&faq]),
        );
        assert!(composed.text.contains("not mandatory"), "{}", composed.text);
    }

    #[test]
    fn a_matching_faq_leads_with_its_opening_answer() {
        let faq = passage(
            Lang::Es,
            "Lo aplica la Parte que autoriza y transfiere los RMTI. El ajuste correspondiente se \
             refleja en la información anual y en el informe bienal de transparencia.",
        );
        let quotable = [Quotable {
            passage: &faq,
            question_matches: true,
            question_cosine: Some(0.95),
            evidence_share: 1.0,
        }];
        let composed = ask(
            "aplica ajuste correspondiente",
            Lang::Es,
            QuestionType::Who,
            &quotable,
        );
        assert_leads(&composed, "Lo aplica la Parte");
    }

    #[test]
    fn a_dangling_sentence_brings_its_antecedent() {
        let text = guide(
            Lang::En,
            "Single-year NDCs use an indicative trajectory. Multi-year NDCs use a multi-year \
             budget. This differs from averaging, which divides the total by the years elapsed.",
        );
        let composed = ask(
            "averaging divides years",
            Lang::En,
            QuestionType::Open,
            &quote(&[&text]),
        );
        assert_leads(
            &composed,
            "Multi-year NDCs use a multi-year budget. This differs",
        );
    }

    #[test]
    fn answers_never_mix_languages() {
        let spanish = guide(Lang::Es, "Un RMTI se autoriza por la Parte de acogida.");
        let english = guide(
            Lang::En,
            "An ITMO is authorized by the host Party and transferred.",
        );
        let composed = ask(
            "RMTI autoriza",
            Lang::Es,
            QuestionType::Open,
            &quote(&[&english, &spanish]),
        );
        assert_eq!(composed.cited, [1]);
        assert!(!composed.text.contains("ITMO is"), "{}", composed.text);
    }

    #[test]
    fn only_other_language_passages_are_quoted_in_the_best_ones_language() {
        let english = guide(Lang::En, "An ITMO is authorized by the host Party.");
        let portuguese = guide(Lang::Pt, "Um ITMO é autorizado pela Parte anfitriã.");
        let composed = ask(
            "RMTI autoriza",
            Lang::Es,
            QuestionType::Open,
            &quote(&[&english, &portuguese]),
        );
        assert_eq!(composed.cited, [0]);
    }

    #[test]
    fn repeats_are_dropped_and_the_answer_stays_short() {
        let texts: Vec<Passage> = (0..4)
            .map(|i| {
                guide(
                    Lang::En,
                    &format!(
                        "The initial report lists the metrics of approach {i}. The initial report \
                         lists the metrics of the approach. The initial report names the method \
                         used for the corresponding adjustment and the first transfer in detail."
                    ),
                )
            })
            .collect();
        let refs: Vec<&Passage> = texts.iter().collect();
        let composed = ask(
            "initial report metrics",
            Lang::En,
            QuestionType::Open,
            &quote(&refs),
        );
        let shown = composed.text.matches("lists the metrics").count();
        assert_eq!(shown, 1, "{}", composed.text);
        assert!(
            composed.text.chars().count() <= MAX_CHARS + 20,
            "{}",
            composed.text
        );
    }

    #[test]
    fn the_best_passage_is_quoted_even_without_matching_words() {
        let only = guide(Lang::Pt, "Primeira frase. Segunda frase.");
        let composed = ask("ajuste", Lang::Pt, QuestionType::Open, &quote(&[&only]));
        assert_leads(&composed, "Primeira frase.");
        assert_eq!(composed.cited, [0]);
    }

    #[test]
    fn openers_that_lean_on_the_previous_sentence() {
        assert!(leans_on_previous("Es distinto del promedio.", Lang::Es));
        assert!(leans_on_previous("Isso vale também para OIMP.", Lang::Pt));
        assert!(leans_on_previous("This differs from 6.4.", Lang::En));
        assert!(leans_on_previous("O puede promediar.", Lang::Es));
        assert!(!leans_on_previous(
            "O país anfitrião aplica o ajuste.",
            Lang::Pt
        ));
        assert!(!leans_on_previous(
            "La Parte de acogida aplica el ajuste.",
            Lang::Es
        ));
        assert!(!leans_on_previous(
            "Corresponding adjustments avoid double counting.",
            Lang::En
        ));
    }

    #[test]
    fn sentence_types() {
        assert!(fits(
            QuestionType::When,
            "Due by 15 April each year.",
            Lang::En
        ));
        assert!(fits(
            QuestionType::Who,
            "La Parte de acogida lo aplica.",
            Lang::Es
        ));
        assert!(fits(
            QuestionType::HowMuch,
            "Se destina el 5 % de las RE6.4.",
            Lang::Es
        ));
        assert!(fits(
            QuestionType::YesNo,
            "Não, apenas incentivada.",
            Lang::Pt
        ));
        assert!(!fits(
            QuestionType::When,
            "The report lists metrics.",
            Lang::En
        ));
    }

    #[test]
    fn reference_codes_are_read_whole_and_left_out_of_the_words() {
        let question = "¿El formulario GOV-001 y la decisión 6/CMA.6 (A6.4-FORM-GOV-001) valen para 2021-2030 y el 6.4?";
        assert_eq!(
            reference_codes(question),
            ["6/cma.6", "a6.4-form-gov-001", "gov-001"]
        );
        assert_eq!(
            without_codes(question),
            "¿El formulario y la decisión valen para 2021-2030 y el 6.4?"
        );
    }

    #[test]
    fn a_question_citing_a_decision_is_answered_by_the_sentence_citing_it() {
        let section = guide(
            Lang::En,
            "Decision 4/CMA.6 (para. 49) says what a national registry connected to the \
             mechanism registry lets Parties see. Decision 6/CMA.6 opened voluntary links for \
             Party registries (para. 17).",
        );
        let passages = quote(&[&section]);
        let question = "Which paragraph of decision 6/CMA.6 lets a national registry connect to \
                        the mechanism registry?";
        let by_words = ask(question, Lang::En, QuestionType::Open, &passages);
        assert_leads(&by_words, "Decision 4/CMA.6");

        let codes = reference_codes(question);
        let words = without_codes(question);
        let asked = Asked {
            codes: &codes,
            ..asked_of(&words, Lang::En, QuestionType::Open)
        };
        let by_code = compose(&Analyzers::new(), &asked, &passages);
        assert_leads(&by_code, "Decision 6/CMA.6");
    }

    #[test]
    fn a_sentence_saying_the_same_in_other_words_is_not_shown_twice() {
        let section = guide(
            Lang::En,
            "The DOE submits the request for registration after a positive validation. A DOE \
             validates the activity and then files the registration request with the UNFCCC.",
        );
        let passages = quote(&[&section]);
        let compose_with = |same_meaning: &dyn Fn(&str, &str) -> bool| {
            let asked = Asked {
                same_meaning,
                ..asked_of(
                    "DOE registration request validation",
                    Lang::En,
                    QuestionType::Open,
                )
            };
            compose(&Analyzers::new(), &asked, &passages)
        };
        let unaware = compose_with(&|_, _| false);
        assert!(
            unaware.text.contains("files the registration"),
            "{}",
            unaware.text
        );

        let aware = compose_with(&|a, b| a.contains("submits") != b.contains("submits"));
        assert!(
            !aware.text.contains("files the registration"),
            "{}",
            aware.text
        );
        assert_leads(&aware, "The DOE submits");
    }
}
