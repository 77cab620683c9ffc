/* prose_rules.c - the word tables of English prose compression (see
 * prose_rules.h for the interface and tests/unit/test_prose_rules.c for
 * what is checked).
 *
 * Every phrase rule here was measured: in four sentences (three with the
 * phrase mid-sentence, one with it first and capitalized) the sentence with
 * `to` has fewer tokens than the sentence with `from` on both o200k and
 * gemma3. Candidates that did not save on both were removed, not excused:
 * - single-word synonyms ("utilize" -> "use", "approximately" -> "about",
 *   "numerous" -> "many") save nothing: both sides are one token;
 * - symbols, abbreviations and contractions cost as much or more ("for
 *   example" -> "e.g.", "versus" -> "vs.", "because" -> "b/c", "percent" ->
 *   "%", "it is" -> "it's": gemma3 splits the apostrophe);
 * - a replacement that is a rarer word can lose at the start of a
 *   sentence, where the capitalized word splits into pieces: "Time and
 *   again" / "Again and again" -> "Repeatedly", "On occasion" ->
 *   "Occasionally", "Makes reference to" -> "Refers to", "Still remains" ->
 *   "Remains", "Close proximity" -> "Proximity", "Basic fundamentals" ->
 *   "Fundamentals" (and "general consensus", "mutual cooperation",
 *   "unexpected surprise").
 *
 * Rules never touch a negation, a number or a proper noun: no `from` or
 * `to` holds a negation word, number words pass through unchanged ("first
 * and foremost" -> "first") and every `from` is lower case (matching is
 * case-insensitive, so a capitalized phrase matches too; a proper noun is
 * never part of a rule).
 */
#include "prose_rules.h"

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* `safe`: wordy phrases replaced by a shorter phrase with the same meaning
 * wherever the words occur: "in order to" -> "to", "due to the fact that"
 * -> "because", "is able to" -> "can", "on a daily basis" -> "daily".
 * Phrases whose short form is right only in some contexts were left out:
 * "as well as" -> "and" (not always a plain conjunction), "with respect to"
 * -> "about" (mathematics: "the derivative with respect to x"), "by way of"
 * -> "via" ("by way of example"), "a minimum of" -> "at least" ("find a
 * minimum of f"), "was able to" -> "could" (loses that it happened), "the
 * vast majority of" -> "most" (weaker), "a lot of" -> "many" (mass nouns),
 * "is going to" -> "will" ("is going to the store"), and everything whose
 * short form is a negation ("in the absence of" -> "without", "is unable
 * to" -> "cannot", "whether or not" -> "whether"). */
const struct phrase_rule prose_safe_rewrites[] = {
    {"a great deal of",             "much"},
    {"a large amount of",           "much"},
    {"a large number of",           "many"},
    {"a small amount of",           "a little"},
    {"a small number of",           "a few"},
    {"a sufficient number of",      "enough"},
    {"a variety of",                "various"},
    {"are able to",                 "can"},
    {"are located in",              "are in"},
    {"as a consequence of",         "because of"},
    {"as a result of",              "because of"},
    {"as of yet",                   "so far"},
    {"as to whether",               "whether"},
    {"at a later date",             "later"},
    {"at all times",                "always"},
    {"at present",                  "now"},
    {"at that point in time",       "then"},
    {"at the present time",         "now"},
    {"at this point in time",       "now"},
    {"because of the fact that",    "because"},
    {"by means of",                 "by"},
    {"came to the conclusion that", "concluded that"},
    {"come to the conclusion that", "conclude that"},
    {"despite the fact that",       "although"},
    {"due to the fact that",        "because"},
    {"during the course of",        "during"},
    {"for the duration of",         "throughout"},
    {"for the most part",           "mostly"},
    {"for the purpose of",          "for"},
    {"from time to time",           "occasionally"},
    {"gave rise to",                "caused"},
    {"give consideration to",       "consider"},
    {"give rise to",                "cause"},
    {"given the fact that",         "given that"},
    {"has a tendency to",           "tends to"},
    {"has an effect on",            "affects"},
    {"has an impact on",            "affects"},
    {"has the ability to",          "can"},
    {"have a tendency to",          "tend to"},
    {"have an effect on",           "affect"},
    {"have an impact on",           "affect"},
    {"have the ability to",         "can"},
    {"if that is the case",         "if so"},
    {"if this is the case",         "if so"},
    {"in a similar manner",         "similarly"},
    {"in a similar way",            "similarly"},
    {"in a timely manner",          "promptly"},
    {"in accordance with",          "per"},
    {"in addition to",              "besides"},
    {"in an attempt to",            "to"},
    {"in an effort to",             "to"},
    {"in between",                  "between"},
    {"in close proximity to",       "near"},
    {"in conjunction with",         "with"},
    {"in excess of",                "over"},
    {"in its entirety",             "entirely"},
    {"in light of the fact that",   "because"},
    {"in many cases",               "often"},
    {"in most cases",               "usually"},
    {"in order for",                "for"},
    {"in order to",                 "to"},
    {"in regard to",                "about"},
    {"in some cases",               "sometimes"},
    {"in spite of",                 "despite"},
    {"in spite of the fact that",   "although"},
    {"in the course of",            "during"},
    {"in the direction of",         "toward"},
    {"in the event that",           "if"},
    {"in the meantime",             "meanwhile"},
    {"in the near future",          "soon"},
    {"in the vicinity of",          "near"},
    {"in this day and age",         "today"},
    {"in view of the fact that",    "because"},
    {"is able to",                  "can"},
    {"is dependent on",             "depends on"},
    {"is in a position to",         "can"},
    {"is in agreement with",        "agrees with"},
    {"is in need of",               "needs"},
    {"is in possession of",         "has"},
    {"is indicative of",            "indicates"},
    {"is located in",               "is in"},
    {"is of the opinion that",      "thinks that"},
    {"it appears that",             "apparently"},
    {"it is often the case that",   "often"},
    {"it is possible that",         "perhaps"},
    {"it seems that",               "apparently"},
    {"made a decision",             "decided"},
    {"made use of",                 "used"},
    {"make a decision",             "decide"},
    {"make an attempt to",          "try to"},
    {"make use of",                 "use"},
    {"makes use of",                "uses"},
    {"on a daily basis",            "daily"},
    {"on a monthly basis",          "monthly"},
    {"on a regular basis",          "regularly"},
    {"on a weekly basis",           "weekly"},
    {"on account of",               "because of"},
    {"on an annual basis",          "annually"},
    {"on the basis of",             "based on"},
    {"on the grounds that",         "because"},
    {"over the course of",          "over"},
    {"owing to the fact that",      "because"},
    {"pertaining to",               "about"},
    {"prior to",                    "before"},
    {"provide assistance to",       "help"},
    {"quite a few",                 "many"},
    {"so as to",                    "to"},
    {"subsequent to",               "after"},
    {"take into account",           "consider"},
    {"take into consideration",     "consider"},
    {"taken into account",          "considered"},
    {"taken into consideration",    "considered"},
    {"the majority of the",         "most of the"},
    {"there is a possibility that", "perhaps"},
    {"through the use of",          "using"},
    {"to a large extent",           "largely"},
    {"together with",               "with"},
    {"until such time as",          "until"},
    {"up to this point",            "so far"},
    {"up until",                    "until"},
    {"up until now",                "so far"},
    {"with reference to",           "about"},
    {"with regard to",              "about"},
    {"with regards to",             "about"},
    {"with the exception of",       "except"},
};
const size_t prose_safe_rewrites_count = COUNT(prose_safe_rewrites);

/* `balanced`: what a reader does not miss. Sentence-level filler ("it is
 * important to note that", "as mentioned above", "needless to say") and
 * hedging or intensifying adverbs are deleted; redundant pairs lose the
 * redundant word ("end result" -> "result", "revert back" -> "revert",
 * "each and every" -> "each"). The engine should not delete an intensifier
 * right after a negation ("not very good" is not "not good").
 * Left out on purpose: "just" and "simply" (often mean "only": "return just
 * the JSON"), "quite" ("quite a few" is not "a few"), "rather" ("rather
 * than"), "of course" ("a change of course", "list of course codes"),
 * "brief summary" ("brief" is an instruction in a prompt), "final result"
 * (final versus intermediate), "it goes without saying that" and "without
 * a doubt" (negation words), "it is clear that" and "in my opinion" (they
 * carry the claim's status, not filler). */
const struct phrase_rule prose_balanced_rewrites[] = {
    {"a total of",                       ""},
    {"absolutely",                       ""},
    {"actually",                         ""},
    {"added bonus",                      "bonus"},
    {"advance notice",                   "notice"},
    {"advance planning",                 "planning"},
    {"any and all",                      "all"},
    {"are in the process of",            "are"},
    {"as a matter of fact",              ""},
    {"as discussed above",               ""},
    {"as mentioned above",               ""},
    {"as mentioned earlier",             ""},
    {"as noted above",                   ""},
    {"as previously mentioned",          ""},
    {"as stated above",                  ""},
    {"as we all know",                   ""},
    {"as you can see",                   ""},
    {"as you know",                      ""},
    {"at the end of the day",            "ultimately"},
    {"basically",                        ""},
    {"certainly",                        ""},
    {"collaborate together",             "collaborate"},
    {"combine together",                 "combine"},
    {"completely eliminate",             "eliminate"},
    {"consensus of opinion",             "consensus"},
    {"definitely",                       ""},
    {"each and every",                   "each"},
    {"end result",                       "result"},
    {"essentially",                      ""},
    {"exact same",                       "same"},
    {"final outcome",                    "outcome"},
    {"first and foremost",               "first"},
    {"free gift",                        "gift"},
    {"future plans",                     "plans"},
    {"i would like to point out that",   ""},
    {"i would like you to",              ""},
    {"in actual fact",                   ""},
    {"in fact",                          ""},
    {"indeed",                           ""},
    {"is in the process of",             "is"},
    {"it is important to note that",     ""},
    {"it is important to remember that", ""},
    {"it is interesting to note that",   ""},
    {"it is worth mentioning that",      ""},
    {"it is worth noting that",          ""},
    {"it is worth pointing out that",    ""},
    {"it should be noted that",          ""},
    {"join together",                    "join"},
    {"larger in size",                   "larger"},
    {"literally",                        ""},
    {"longer in length",                 "longer"},
    {"merge together",                   "merge"},
    {"needless to say",                  ""},
    {"new innovation",                   "innovation"},
    {"obviously",                        ""},
    {"past experience",                  "experience"},
    {"past history",                     "history"},
    {"period of time",                   "period"},
    {"personal opinion",                 "opinion"},
    {"please note that",                 ""},
    {"really",                           ""},
    {"repeat again",                     "repeat"},
    {"return back",                      "return"},
    {"revert back",                      "revert"},
    {"shorter in length",                "shorter"},
    {"simply put",                       ""},
    {"smaller in size",                  "smaller"},
    {"so to speak",                      ""},
    {"somewhat",                         ""},
    {"such as",                          "like"},
    {"the fact of the matter is that",   ""},
    {"the reason why",                   "why"},
    {"to be honest",                     ""},
    {"to tell the truth",                ""},
    {"totally",                          ""},
    {"true facts",                       "facts"},
    {"truly",                            ""},
    {"various different",                "various"},
    {"very",                             ""},
    {"was in the process of",            "was"},
    {"were in the process of",           "were"},
};
const size_t prose_balanced_rewrites_count = COUNT(prose_balanced_rewrites);

/* The negation words live with the lexer (lib/common/lex.c), which
 * flags them for every pass and guard. */

