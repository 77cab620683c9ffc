/* test_prose_rules.c - the prose compression tables (lib/passes/prose_rules.c):
 * their shape (sorted, lower case, single-spaced, no duplicates), that no
 * rule touches a negation or a number, and that every rule saves tokens on
 * both o200k and gemma3 in whole sentences. */
#include <stdlib.h>
#include <string.h>

#include "../../lib/common/words.h"
#include "../../lib/passes/prose_rules.h"
#include "check.h"
#include "terse.h"

/* ---- sentence templates ---------------------------------------------------
 *
 * Every rule is measured in the sentences of one template class, chosen so
 * that the phrase (and its replacement) is grammatical there. "{X}" marks
 * the phrase; the first three templates have it mid-sentence, the fourth
 * starts the sentence (fragments such as "Can handle large files." are how
 * bullet lists read). The sentence is capitalized after the substitution, so
 * "{X} reduce memory use" gives "In order to reduce ..." and "To reduce ...".
 */
enum tpl {
    T_PURPOSE, T_FOR_TO, T_GERUND, T_CLAUSE, T_IF_SO, T_WHETHER, T_SENT, T_TOPIC,
    T_TIME_NP, T_CAUSE_NP, T_BASIS, T_PLACE, T_BETWEEN, T_TOWARD, T_MEANS, T_EXCEPT,
    T_BESIDES, T_WITH, T_COUNT, T_MASS, T_MOST_OF_THE, T_OVER, T_TIME_PRES, T_TIME_PAST,
    T_TIME_FUT, T_SO_FAR, T_YET, T_FREQ, T_MODAL_SG, T_MODAL_PL, T_DECIDE_VB, T_DECIDE_VBD,
    T_VB, T_VBZ, T_VBD, T_VBN, T_THAT_SG, T_THAT_VB, T_LOCATED_SG, T_LOCATED_PL,
    T_ASIDE, T_REQUEST, T_ADV, T_ADJ, T_DET, T_NOUN_SG, T_NOUN_PL, T_SAME,
    T_CMP, T_VB_INTR, T_PROG_SG, T_PROG_PL, T_WHY, T_EXAMPLE, T_TOTAL,
    T_N
};

#define N_SENTENCES 4

static const char *const templates[T_N][N_SENTENCES] = {
    /* to + verb of purpose */
    [T_PURPOSE] = {"We rewrote the parser {X} reduce memory use.",
                   "The team met on Monday {X} review the budget.",
                   "She called the office {X} confirm the date of the visit.",
                   "{X} reduce memory use, we rewrote the parser."},
    [T_FOR_TO] = {"We changed the code {X} the tests to pass.",
                  "The room was booked {X} the team to meet.",
                  "She fixed the config {X} the build to work.",
                  "{X} the tests to pass, we changed the code."},
    [T_GERUND] = {"We built a small tool {X} testing the parser.",
                  "The data is stored {X} auditing later.",
                  "She joined the team {X} learning the codebase.",
                  "{X} testing the parser, we built a small tool."},
    /* a finite clause follows */
    [T_CLAUSE] = {"The build failed {X} the disk was full.",
                  "We delayed the release {X} the tests were slow.",
                  "He left the meeting early {X} the talk ran long.",
                  "{X} the disk was full, the build failed."},
    [T_IF_SO] = {"The tests may fail and {X} we will delay the release.",
                 "Prices might rise and {X} we will buy less.",
                 "The server could crash and {X} we restart it.",
                 "{X} we will delay the release."},
    [T_WHETHER] = {"We asked the team {X} the plan would work.",
                   "There is some doubt {X} the fix is complete.",
                   "She wondered {X} the test had passed.",
                   "{X} the plan would work, we asked the team."},
    [T_SENT] = {"After the upgrade {X} the server is slower.",
                "In the last test {X} the cache was cold.",
                "For this dataset {X} the labels are wrong.",
                "{X} the server is slower after the upgrade."},
    /* a noun phrase follows */
    [T_TOPIC] = {"She wrote a long email {X} the budget for next year.",
                 "We had many questions {X} the new policy.",
                 "He spoke to the board {X} the planned merger.",
                 "{X} the budget, she wrote a long email."},
    [T_TIME_NP] = {"We checked the logs {X} the release.",
                   "The servers were restarted {X} the upgrade.",
                   "She reviewed the draft {X} the meeting with the client.",
                   "{X} the release, we checked the logs."},
    [T_CAUSE_NP] = {"The flight was delayed {X} the storm.",
                    "Sales fell sharply {X} the price increase.",
                    "The game was moved indoors {X} the heavy rain.",
                    "{X} the storm, the flight was delayed."},
    [T_BASIS] = {"The loan was approved {X} her income.",
                 "We ranked the results {X} the final score.",
                 "Refunds are issued {X} the policy.",
                 "{X} the policy, refunds are issued."},
    [T_PLACE] = {"The office is {X} the train station.",
                 "They built a shed {X} the river.",
                 "We parked the car {X} the main entrance.",
                 "{X} the river, they built a shed."},
    [T_BETWEEN] = {"The office is {X} the station and the bank.",
                   "The value lies {X} 10 and 20.",
                   "Pick a date {X} Monday and Friday.",
                   "{X} the station and the bank there is a cafe."},
    [T_TOWARD] = {"He walked {X} the door.",
                  "The storm moved {X} the coast.",
                  "The car rolled slowly {X} the exit.",
                  "{X} the coast, the storm moved fast."},
    [T_MEANS] = {"The data was sent {X} a secure channel.",
                 "We solved the problem {X} a simple script.",
                 "The files are copied {X} a shell command.",
                 "{X} a simple script, we solved the problem."},
    [T_EXCEPT] = {"All tests passed {X} the network test.",
                  "Everyone came to the party {X} the manager.",
                  "We tested every module {X} the parser.",
                  "{X} the parser, we tested every module."},
    [T_BESIDES] = {"We sent a summary {X} the main report.",
                   "She speaks French {X} English.",
                   "The kit includes a cable {X} the charger.",
                   "{X} the main report, we sent a summary."},
    [T_WITH] = {"The tool is used {X} the compiler.",
                "We released the fix {X} the new docs.",
                "She works closely {X} the design team.",
                "{X} the new docs, we released the fix."},
    /* quantities */
    [T_COUNT] = {"We received {X} requests last week.",
                 "The survey found {X} errors in the data.",
                 "There were {X} people at the event.",
                 "{X} users reported the bug."},
    [T_MASS] = {"The job used {X} memory during the test.",
                "We spent {X} time on the design.",
                "The old process wastes {X} energy.",
                "{X} time was spent on the design."},
    [T_MOST_OF_THE] = {"We fixed {X} bugs before the release.",
                       "The team spent {X} budget on servers.",
                       "She read {X} reports last night.",
                       "{X} bugs were fixed before the release."},
    [T_OVER] = {"The job took {X} 30 minutes to finish.",
                "We spent {X} 2 million dollars on the project.",
                "The server handles {X} 400 requests per second.",
                "{X} 400 requests per second reach the server."},
    /* time, frequency and manner */
    [T_TIME_PRES] = {"We are {X} reviewing the code.",
                     "The team is {X} testing the new build.",
                     "Prices are {X} higher than last year.",
                     "{X} we are reviewing the code."},
    [T_TIME_PAST] = {"The team reviewed the results {X} and sent a summary.",
                     "Prices rose {X} across the region.",
                     "She fixed the bug {X} and told the team.",
                     "{X} the team reviewed the results."},
    [T_TIME_FUT] = {"We will review the results {X} and send a summary.",
                    "The team plans to ship the fix {X} if tests pass.",
                    "Prices will rise {X} across the region.",
                    "{X} we will review the results."},
    [T_SO_FAR] = {"We have {X} fixed most of the bugs.",
                  "The team has {X} reviewed the code.",
                  "Prices have {X} stayed high.",
                  "{X} we have fixed most of the bugs."},
    [T_YET] = {"We have not heard back {X} from the team.",
               "The bug has not been fixed {X} by the vendor.",
               "They have not decided {X} on the venue.",
               "{X} we have not heard back from the team."},
    [T_FREQ] = {"The team reviews the logs {X} and files a report.",
                "We back up the database {X} to a remote server.",
                "She checks the alerts {X} during the week.",
                "{X} the team reviews the logs."},
    /* verb phrases */
    [T_MODAL_SG] = {"The new parser {X} handle large files.",
                    "Our team {X} support both formats.",
                    "The library {X} read compressed input.",
                    "{X} handle large files."},
    [T_MODAL_PL] = {"The new tools {X} handle large files.",
                    "Our teams {X} support both formats.",
                    "These libraries {X} read compressed input.",
                    "{X} handle large files."},
    [T_DECIDE_VB] = {"We will {X} about the budget after the review.",
                     "They must {X} on the contract this week.",
                     "You should {X} before the deadline.",
                     "{X} before the deadline."},
    [T_DECIDE_VBD] = {"The board {X} about the budget last year.",
                      "She {X} on the contract quickly.",
                      "Our manager {X} before the deadline.",
                      "{X} before the deadline."},
    [T_VB] = {"We will {X} the results in the next phase.",
              "They often {X} these factors during planning.",
              "You should {X} the feedback from users.",
              "{X} the feedback from users."},
    [T_VBZ] = {"The new model {X} the results from the last phase.",
               "This change {X} the speed of the parser.",
               "Our policy {X} the feedback from users.",
               "{X} the feedback from users."},
    [T_VBD] = {"The old model {X} the results from the last phase.",
               "This change {X} the speed of the parser.",
               "Our old policy {X} the feedback from users.",
               "{X} the feedback from users."},
    [T_VBN] = {"These factors were {X} during planning.",
               "The feedback must be {X} before the release.",
               "All costs are {X} in the budget.",
               "{X} during planning, these factors changed the design."},
    [T_THAT_SG] = {"The manager {X} the plan will work.",
                   "Our lead engineer {X} the bug is fixed.",
                   "The report {X} costs will rise.",
                   "{X} the plan will work."},
    [T_THAT_VB] = {"We may {X} the plan works.",
                   "They will {X} the bug is fixed.",
                   "You might {X} costs will rise.",
                   "{X} the plan works."},
    [T_LOCATED_SG] = {"The office {X} the north wing of the building.",
                      "The config file {X} the main folder.",
                      "Our team {X} a new building downtown.",
                      "{X} the north wing of the building."},
    [T_LOCATED_PL] = {"The offices {X} the north wing of the building.",
                      "The config files {X} the main folder.",
                      "Our teams {X} a new building downtown.",
                      "{X} the north wing of the building."},
    /* filler and redundancy (balanced) */
    [T_ASIDE] = {"The parser is {X} the heart of the system.",
                 "This module is {X} a black box to us.",
                 "The cache acts {X} as a second memory.",
                 "{X} the parser is the heart of the system."},
    [T_REQUEST] = {"For this task {X} summarize the report.",
                   "Next {X} list the open issues.",
                   "Now {X} write a short reply to the customer.",
                   "{X} summarize the report."},
    [T_ADV] = {"The new parser {X} works on every file.",
               "We {X} need more time for testing.",
               "This change {X} fixes the bug in the parser.",
               "{X} the new parser works on every file."},
    [T_ADJ] = {"The new design is {X} fast and easy to use.",
               "The results were {X} good this year.",
               "Her answer to the question was {X} clear.",
               "{X} fast servers cost more money."},
    [T_DET] = {"We checked {X} file in the folder.",
               "The tool scans {X} line of the log.",
               "She reviewed {X} page of the draft.",
               "{X} file in the folder was checked."},
    [T_NOUN_SG] = {"We looked at the {X} of the project before the review.",
                   "The {X} was shared with the whole team.",
                   "She asked about the {X} in the meeting.",
                   "{X} was shared with the whole team."},
    [T_NOUN_PL] = {"We looked at the {X} of the project before the review.",
                   "The {X} were shared with the whole team.",
                   "She asked about the {X} in the meeting.",
                   "{X} were shared with the whole team."},
    [T_SAME] = {"We saw the {X} error on the old server.",
                "Both teams used the {X} config file.",
                "She made the {X} mistake again.",
                "{X} error appeared again."},
    [T_CMP] = {"The new cable is {X} than the old cable.",
               "Our version is {X} than theirs.",
               "The second file is {X} than the first.",
               "{X} than the old cable, the new cable fits."},
    [T_VB_INTR] = {"The teams will {X} next week.",
                   "When the parts {X} the system starts.",
                   "We expect the groups to {X} after the review.",
                   "{X} after the review."},
    [T_PROG_SG] = {"The team {X} reviewing the code.",
                   "She {X} migrating the database.",
                   "Our vendor {X} moving the servers.",
                   "{X} reviewing the code."},
    [T_PROG_PL] = {"We {X} migrating the database.",
                   "The teams {X} reviewing the code.",
                   "They {X} moving the servers.",
                   "{X} migrating the database."},
    [T_WHY] = {"We found {X} the build failed.",
               "She explained {X} the test is slow.",
               "Tell me {X} the price went up.",
               "{X} the build failed is clear."},
    [T_EXAMPLE] = {"Large cities {X} Paris and Rome grew fast.",
                   "We support formats {X} JSON and YAML.",
                   "Tools {X} linters catch these bugs.",
                   "{X} JSON and YAML, these formats are easy to parse."},
    [T_TOTAL] = {"We tested {X} 12 parsers last week.",
                 "The survey reached {X} 3,400 users.",
                 "They shipped {X} 40 releases in 2023.",
                 "{X} 12 parsers were tested last week."},
};

/* The template class of every rule, sorted by `from`. A rule added to a
 * table needs an entry here. */
static const struct rule_class {
    const char *from;
    enum tpl cls;
} rule_classes[] = {
    {"a great deal of",                  T_MASS},
    {"a large amount of",                T_MASS},
    {"a large number of",                T_COUNT},
    {"a small amount of",                T_MASS},
    {"a small number of",                T_COUNT},
    {"a sufficient number of",           T_COUNT},
    {"a total of",                       T_TOTAL},
    {"a variety of",                     T_COUNT},
    {"absolutely",                       T_ADJ},
    {"actually",                         T_ADV},
    {"added bonus",                      T_NOUN_SG},
    {"advance notice",                   T_NOUN_SG},
    {"advance planning",                 T_NOUN_SG},
    {"any and all",                      T_COUNT},
    {"are able to",                      T_MODAL_PL},
    {"are in the process of",            T_PROG_PL},
    {"are located in",                   T_LOCATED_PL},
    {"as a consequence of",              T_CAUSE_NP},
    {"as a matter of fact",              T_SENT},
    {"as a result of",                   T_CAUSE_NP},
    {"as discussed above",               T_SENT},
    {"as mentioned above",               T_SENT},
    {"as mentioned earlier",             T_SENT},
    {"as noted above",                   T_SENT},
    {"as of yet",                        T_YET},
    {"as previously mentioned",          T_SENT},
    {"as stated above",                  T_SENT},
    {"as to whether",                    T_WHETHER},
    {"as we all know",                   T_SENT},
    {"as you can see",                   T_SENT},
    {"as you know",                      T_SENT},
    {"at a later date",                  T_TIME_FUT},
    {"at all times",                     T_FREQ},
    {"at present",                       T_TIME_PRES},
    {"at that point in time",            T_TIME_PAST},
    {"at the end of the day",            T_SENT},
    {"at the present time",              T_TIME_PRES},
    {"at this point in time",            T_TIME_PRES},
    {"basically",                        T_ADV},
    {"because of the fact that",         T_CLAUSE},
    {"by means of",                      T_MEANS},
    {"came to the conclusion that",      T_THAT_SG},
    {"certainly",                        T_ADV},
    {"collaborate together",             T_VB_INTR},
    {"combine together",                 T_VB_INTR},
    {"come to the conclusion that",      T_THAT_VB},
    {"completely eliminate",             T_VB},
    {"consensus of opinion",             T_NOUN_SG},
    {"definitely",                       T_ADV},
    {"despite the fact that",            T_CLAUSE},
    {"due to the fact that",             T_CLAUSE},
    {"during the course of",             T_TIME_NP},
    {"each and every",                   T_DET},
    {"end result",                       T_NOUN_SG},
    {"essentially",                      T_ADV},
    {"exact same",                       T_SAME},
    {"final outcome",                    T_NOUN_SG},
    {"first and foremost",               T_ADV},
    {"for the duration of",              T_TIME_NP},
    {"for the most part",                T_FREQ},
    {"for the purpose of",               T_GERUND},
    {"free gift",                        T_NOUN_SG},
    {"from time to time",                T_FREQ},
    {"future plans",                     T_NOUN_PL},
    {"gave rise to",                     T_VBD},
    {"give consideration to",            T_VB},
    {"give rise to",                     T_VB},
    {"given the fact that",              T_CLAUSE},
    {"has a tendency to",                T_MODAL_SG},
    {"has an effect on",                 T_VBZ},
    {"has an impact on",                 T_VBZ},
    {"has the ability to",               T_MODAL_SG},
    {"have a tendency to",               T_MODAL_PL},
    {"have an effect on",                T_VB},
    {"have an impact on",                T_VB},
    {"have the ability to",              T_MODAL_PL},
    {"i would like to point out that",   T_SENT},
    {"i would like you to",              T_REQUEST},
    {"if that is the case",              T_IF_SO},
    {"if this is the case",              T_IF_SO},
    {"in a similar manner",              T_FREQ},
    {"in a similar way",                 T_FREQ},
    {"in a timely manner",               T_FREQ},
    {"in accordance with",               T_BASIS},
    {"in actual fact",                   T_SENT},
    {"in addition to",                   T_BESIDES},
    {"in an attempt to",                 T_PURPOSE},
    {"in an effort to",                  T_PURPOSE},
    {"in between",                       T_BETWEEN},
    {"in close proximity to",            T_PLACE},
    {"in conjunction with",              T_WITH},
    {"in excess of",                     T_OVER},
    {"in fact",                          T_SENT},
    {"in its entirety",                  T_FREQ},
    {"in light of the fact that",        T_CLAUSE},
    {"in many cases",                    T_FREQ},
    {"in most cases",                    T_FREQ},
    {"in order for",                     T_FOR_TO},
    {"in order to",                      T_PURPOSE},
    {"in regard to",                     T_TOPIC},
    {"in some cases",                    T_FREQ},
    {"in spite of",                      T_CAUSE_NP},
    {"in spite of the fact that",        T_CLAUSE},
    {"in the course of",                 T_TIME_NP},
    {"in the direction of",              T_TOWARD},
    {"in the event that",                T_CLAUSE},
    {"in the meantime",                  T_TIME_PAST},
    {"in the near future",               T_TIME_FUT},
    {"in the vicinity of",               T_PLACE},
    {"in this day and age",              T_TIME_PRES},
    {"in view of the fact that",         T_CLAUSE},
    {"indeed",                           T_ADV},
    {"is able to",                       T_MODAL_SG},
    {"is dependent on",                  T_VBZ},
    {"is in a position to",              T_MODAL_SG},
    {"is in agreement with",             T_VBZ},
    {"is in need of",                    T_VBZ},
    {"is in possession of",              T_VBZ},
    {"is in the process of",             T_PROG_SG},
    {"is indicative of",                 T_VBZ},
    {"is located in",                    T_LOCATED_SG},
    {"is of the opinion that",           T_THAT_SG},
    {"it appears that",                  T_SENT},
    {"it is important to note that",     T_SENT},
    {"it is important to remember that", T_SENT},
    {"it is interesting to note that",   T_SENT},
    {"it is often the case that",        T_SENT},
    {"it is possible that",              T_SENT},
    {"it is worth mentioning that",      T_SENT},
    {"it is worth noting that",          T_SENT},
    {"it is worth pointing out that",    T_SENT},
    {"it seems that",                    T_SENT},
    {"it should be noted that",          T_SENT},
    {"join together",                    T_VB_INTR},
    {"larger in size",                   T_CMP},
    {"literally",                        T_ADV},
    {"longer in length",                 T_CMP},
    {"made a decision",                  T_DECIDE_VBD},
    {"made use of",                      T_VBD},
    {"make a decision",                  T_DECIDE_VB},
    {"make an attempt to",               T_MODAL_PL},
    {"make use of",                      T_VB},
    {"makes use of",                     T_VBZ},
    {"merge together",                   T_VB_INTR},
    {"needless to say",                  T_SENT},
    {"new innovation",                   T_NOUN_SG},
    {"obviously",                        T_ADV},
    {"on a daily basis",                 T_FREQ},
    {"on a monthly basis",               T_FREQ},
    {"on a regular basis",               T_FREQ},
    {"on a weekly basis",                T_FREQ},
    {"on account of",                    T_CAUSE_NP},
    {"on an annual basis",               T_FREQ},
    {"on the basis of",                  T_BASIS},
    {"on the grounds that",              T_CLAUSE},
    {"over the course of",               T_TIME_NP},
    {"owing to the fact that",           T_CLAUSE},
    {"past experience",                  T_NOUN_SG},
    {"past history",                     T_NOUN_SG},
    {"period of time",                   T_NOUN_SG},
    {"personal opinion",                 T_NOUN_SG},
    {"pertaining to",                    T_TOPIC},
    {"please note that",                 T_SENT},
    {"prior to",                         T_TIME_NP},
    {"provide assistance to",            T_VB},
    {"quite a few",                      T_COUNT},
    {"really",                           T_ADV},
    {"repeat again",                     T_VB_INTR},
    {"return back",                      T_VB_INTR},
    {"revert back",                      T_VB_INTR},
    {"shorter in length",                T_CMP},
    {"simply put",                       T_SENT},
    {"smaller in size",                  T_CMP},
    {"so as to",                         T_PURPOSE},
    {"so to speak",                      T_ASIDE},
    {"somewhat",                         T_ADJ},
    {"subsequent to",                    T_TIME_NP},
    {"such as",                          T_EXAMPLE},
    {"take into account",                T_VB},
    {"take into consideration",          T_VB},
    {"taken into account",               T_VBN},
    {"taken into consideration",         T_VBN},
    {"the fact of the matter is that",   T_SENT},
    {"the majority of the",              T_MOST_OF_THE},
    {"the reason why",                   T_WHY},
    {"there is a possibility that",      T_SENT},
    {"through the use of",               T_MEANS},
    {"to a large extent",                T_FREQ},
    {"to be honest",                     T_SENT},
    {"to tell the truth",                T_SENT},
    {"together with",                    T_WITH},
    {"totally",                          T_ADJ},
    {"true facts",                       T_NOUN_PL},
    {"truly",                            T_ADJ},
    {"until such time as",               T_CLAUSE},
    {"up to this point",                 T_SO_FAR},
    {"up until",                         T_TIME_NP},
    {"up until now",                     T_SO_FAR},
    {"various different",                T_COUNT},
    {"very",                             T_ADJ},
    {"was in the process of",            T_PROG_SG},
    {"were in the process of",           T_PROG_PL},
    {"with reference to",                T_TOPIC},
    {"with regard to",                   T_TOPIC},
    {"with regards to",                  T_TOPIC},
    {"with the exception of",            T_EXCEPT},
};

/* Number words: a rule must keep every one it matches, in order. */
static const char *const number_words[] = {
    "billion", "dozen", "eight", "eighteen", "eighth", "eighty", "eleven", "fifteen", "fifth",
    "fifty", "first", "five", "forty", "four", "fourteen", "fourth", "half", "hundred",
    "million", "nine", "nineteen", "ninety", "ninth", "once", "one", "second", "seven",
    "seventeen", "seventh", "seventy", "six", "sixteen", "sixth", "sixty", "ten", "tenth",
    "third", "thirteen", "thirty", "thousand", "three", "thrice", "trillion", "twelve",
    "twenty", "twice", "two", "zero",
};

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static int cmp_class(const void *key, const void *elem)
{
    return strcmp((const char *)key, ((const struct rule_class *)elem)->from);
}

/* Is the word w[0..n) in the sorted list? */
static int in_list(const char *const *list, size_t count, const char *w, size_t n)
{
    char buf[64];
    const char *p = buf;
    if (n >= sizeof buf)
        return 0;
    memcpy(buf, w, n);
    buf[n] = '\0';
    return bsearch(&p, list, count, sizeof *list, cmp_str) != NULL;
}

static int ends_with(const char *w, size_t n, const char *suffix)
{
    size_t k = strlen(suffix);
    return n >= k && memcmp(w + n - k, suffix, k) == 0;
}

static int is_negation(const char *w, size_t n)
{
    return in_list(lex_negation_words, lex_negation_words_count, w, n) ||
           ends_with(w, n, "n't") || ends_with(w, n, "n\xE2\x80\x99t");
}

static int is_number_word(const char *w, size_t n)
{
    size_t i;
    for (i = 0; i < n; i++)
        if (w[i] >= '0' && w[i] <= '9')
            return 1;
    return in_list(number_words, sizeof number_words / sizeof *number_words, w, n);
}

/* A phrase is well formed when it is lower case, without digits, and made
 * of words separated by single spaces (no leading or trailing space). The
 * empty string is well formed only as a rule's `to`. */
static int well_formed(const char *s, int empty_ok)
{
    const char *p;
    if (!*s)
        return empty_ok;
    if (s[0] == ' ' || s[strlen(s) - 1] == ' ' || strstr(s, "  "))
        return 0;
    for (p = s; *p; p++) {
        unsigned char c = (unsigned char)*p;
        if (!(c >= 'a' && c <= 'z') && c != ' ' && c != '\'' && c != '-' && c < 0x80)
            return 0;
    }
    return 1;
}

/* The n-th word of s (n counted from 0), or NULL past the last. */
static const char *word_at(const char *s, size_t n, size_t *len)
{
    const char *p = s;
    while (*p == ' ')
        p++;
    while (*p) {
        const char *e = p;
        while (*e && *e != ' ')
            e++;
        if (n-- == 0) {
            *len = (size_t)(e - p);
            return p;
        }
        p = e;
        while (*p == ' ')
            p++;
    }
    return NULL;
}

static void check_rule_table(const char *name, const struct phrase_rule *r, size_t n)
{
    size_t i;
    CHECK(n > 0);
    for (i = 0; i < n; i++) {
        if (!well_formed(r[i].from, 0) || !well_formed(r[i].to, 1)) {
            printf("#   %s rule %zu (\"%s\" -> \"%s\") is not lower-case single-spaced words\n",
                   name, i, r[i].from, r[i].to);
            check_failures++;
        }
        if (!strcmp(r[i].from, r[i].to)) {
            printf("#   %s rule \"%s\" rewrites to itself\n", name, r[i].from);
            check_failures++;
        }
        if (i > 0 && strcmp(r[i - 1].from, r[i].from) >= 0) {
            printf("#   %s: \"%s\" then \"%s\": not sorted or a duplicate\n", name, r[i - 1].from,
                   r[i].from);
            check_failures++;
        }
    }
}

static void check_word_table(const char *name, const char *const *w, size_t n)
{
    size_t i;
    CHECK(n > 0);
    for (i = 0; i < n; i++) {
        if (!well_formed(w[i], 0) || strchr(w[i], ' ')) {
            printf("#   %s word %zu (\"%s\") is not one lower-case word\n", name, i, w[i]);
            check_failures++;
        }
        if (i > 0 && strcmp(w[i - 1], w[i]) >= 0) {
            printf("#   %s: \"%s\" then \"%s\": not sorted or a duplicate\n", name, w[i - 1], w[i]);
            check_failures++;
        }
    }
}

static void test_tables_sorted(void)
{
    size_t i, j;
    check_rule_table("safe", prose_safe_rewrites, prose_safe_rewrites_count);
    check_rule_table("balanced", prose_balanced_rewrites, prose_balanced_rewrites_count);
    check_word_table("stop", stop_words, stop_words_count);
    check_word_table("negation", lex_negation_words, lex_negation_words_count);
    /* a phrase belongs to one level */
    for (i = 0; i < prose_safe_rewrites_count; i++)
        for (j = 0; j < prose_balanced_rewrites_count; j++)
            if (!strcmp(prose_safe_rewrites[i].from, prose_balanced_rewrites[j].from)) {
                printf("#   \"%s\" is in both tables\n", prose_safe_rewrites[i].from);
                check_failures++;
            }
}

/* No rule mentions a negation, and a rule keeps its number words. */
static void check_rules_keep_facts(const char *name, const struct phrase_rule *r, size_t n)
{
    size_t i, k, len;
    const char *w;
    for (i = 0; i < n; i++) {
        const char *side[2] = {r[i].from, r[i].to};
        const char *nf = NULL, *nt = NULL;
        size_t lf = 0, lt = 0, kf = 0, kt = 0;
        for (k = 0; k < 2; k++) {
            size_t m;
            for (m = 0; (w = word_at(side[k], m, &len)) != NULL; m++)
                if (is_negation(w, len)) {
                    printf("#   %s rule \"%s\" -> \"%s\": \"%.*s\" is a negation\n", name,
                           r[i].from, r[i].to, (int)len, w);
                    check_failures++;
                }
        }
        /* the number words of `from` and `to` must be the same sequence */
        for (;;) {
            while ((nf = word_at(r[i].from, kf, &lf)) != NULL && !is_number_word(nf, lf))
                kf++;
            while ((nt = word_at(r[i].to, kt, &lt)) != NULL && !is_number_word(nt, lt))
                kt++;
            if (!nf || !nt)
                break;
            if (lf != lt || memcmp(nf, nt, lf) != 0)
                break;
            kf++;
            kt++;
        }
        if (nf || nt) {
            printf("#   %s rule \"%s\" -> \"%s\" changes a number\n", name, r[i].from, r[i].to);
            check_failures++;
        }
    }
}

static void test_no_negations_or_numbers(void)
{
    size_t i;
    for (i = 1; i < sizeof number_words / sizeof *number_words; i++)
        CHECK(strcmp(number_words[i - 1], number_words[i]) < 0); /* bsearch needs it */
    check_rules_keep_facts("safe", prose_safe_rewrites, prose_safe_rewrites_count);
    check_rules_keep_facts("balanced", prose_balanced_rewrites, prose_balanced_rewrites_count);
    for (i = 0; i < stop_words_count; i++) {
        const char *w = stop_words[i];
        CHECK(strlen(w) <= STOP_WORD_MAX_LEN); /* stop_word_is looks no further */
        CHECK(stop_word_is(w, strlen(w)));
        if (is_negation(w, strlen(w)) || is_number_word(w, strlen(w))) {
            printf("#   stop word \"%s\" is a negation or a number\n", w);
            check_failures++;
        }
    }
    /* the list has what the engine relies on */
    CHECK(is_negation("not", 3) && is_negation("no", 2) && is_negation("never", 5));
    CHECK(is_negation("without", 7) && is_negation("cannot", 6) && is_negation("nor", 3));
    CHECK(is_negation("don't", 5) && is_negation("isn't", 5) && is_negation("won't", 5));
    CHECK(in_list(lex_negation_words, lex_negation_words_count, "don\xE2\x80\x99t", 7));
    CHECK(in_list(lex_negation_words, lex_negation_words_count, "nothing", 7));
    CHECK(in_list(stop_words, stop_words_count, "the", 3));
    CHECK(!in_list(stop_words, stop_words_count, "one", 3));
}

/* ---- token savings ------------------------------------------------------- */

/* Writes tpl with "{X}" replaced by phrase into out (capacity cap): a
 * deleted phrase takes one neighbouring space with it, the pronoun "i" is
 * written "I", and the sentence starts with a capital. */
static void fill(char *out, size_t cap, const char *tpl, const char *phrase)
{
    const char *x = strstr(tpl, "{X}");
    const char *rest = x + 3;
    size_t pre = (size_t)(x - tpl), n = 0, i;
    char ph[256];

    snprintf(ph, sizeof ph, "%s", phrase);
    for (i = 0; ph[i]; i++)
        if (ph[i] == 'i' && (i == 0 || ph[i - 1] == ' ') &&
            (ph[i + 1] == ' ' || ph[i + 1] == '\0' || ph[i + 1] == '\''))
            ph[i] = 'I';
    if (!*ph) {
        if (pre > 0 && tpl[pre - 1] == ' ')
            pre--;
        else if (*rest == ' ')
            rest++;
    }
    n = (size_t)snprintf(out, cap, "%.*s%s%s", (int)pre, tpl, ph, rest);
    if (n > 0 && out[0] >= 'a' && out[0] <= 'z')
        out[0] = (char)(out[0] - 'a' + 'A');
}

static size_t count_tokens(const terse_tokenizer *t, const char *s)
{
    size_t n = 0;
    CHECK(terse_count(t, s, strlen(s), 0, &n) == TERSE_OK);
    return n;
}

static void test_templates_well_formed(void)
{
    size_t c, k;
    for (c = 0; c < T_N; c++)
        for (k = 0; k < N_SENTENCES; k++) {
            const char *s = templates[c][k];
            const char *x = s ? strstr(s, "{X}") : NULL;
            if (!x || strstr(x + 3, "{X}") || (k == N_SENTENCES - 1) != (x == s) ||
                (x != s && x[-1] != ' ') || x[3] != ' ') {
                printf("#   template %zu/%zu is malformed\n", c, k);
                check_failures++;
            }
        }
}

/* Measures every rule of a table in its sentences; a rule must make every
 * sentence shorter on every tokenizer. Prints the table's mean saving. */
static void check_savings(const char *name, const struct phrase_rule *r, size_t n)
{
    static const char *const tok_names[] = {"o200k", "gemma3"};
    double saved[2] = {0, 0};
    size_t i, k, t, sentences = 0;
    for (i = 0; i < n; i++) {
        const struct rule_class *rc =
            bsearch(r[i].from, rule_classes, sizeof rule_classes / sizeof *rule_classes,
                    sizeof *rule_classes, cmp_class);
        if (!rc) {
            printf("#   %s rule \"%s\" has no template class in test_prose_rules.c\n", name,
                   r[i].from);
            check_failures++;
            continue;
        }
        for (k = 0; k < N_SENTENCES; k++) {
            char with_from[512], with_to[512];
            fill(with_from, sizeof with_from, templates[rc->cls][k], r[i].from);
            fill(with_to, sizeof with_to, templates[rc->cls][k], r[i].to);
            sentences++;
            for (t = 0; t < 2; t++) {
                const terse_tokenizer *tk = terse_tokenizer_find(tok_names[t]);
                size_t a = count_tokens(tk, with_from), b = count_tokens(tk, with_to);
                saved[t] += (double)a - (double)b;
                if (b >= a) {
                    printf("#   %s rule \"%s\" -> \"%s\" saves nothing on %s: \"%s\" %zu, "
                           "\"%s\" %zu\n",
                           name, r[i].from, r[i].to, tok_names[t], with_from, a, with_to, b);
                    check_failures++;
                }
            }
        }
    }
    printf("# %s rewrites: %zu rules, mean saving o200k %.1f tokens, gemma3 %.1f (%zu sentences)\n",
           name, n, sentences ? saved[0] / (double)sentences : 0.0,
           sentences ? saved[1] / (double)sentences : 0.0, sentences);
}

static void test_safe_rules_save_tokens(void)
{
    check_savings("safe", prose_safe_rewrites, prose_safe_rewrites_count);
}

static void test_balanced_rules_save_tokens(void)
{
    check_savings("balanced", prose_balanced_rewrites, prose_balanced_rewrites_count);
}

/* The class map is sorted for bsearch, every entry belongs to a rule (no
 * stale entries) and every template class is used. */
static void test_class_map(void)
{
    size_t i, j, n = sizeof rule_classes / sizeof *rule_classes;
    for (i = 0; i < n; i++) {
        int found = 0;
        if (i > 0 && strcmp(rule_classes[i - 1].from, rule_classes[i].from) >= 0) {
            printf("#   class map: \"%s\" then \"%s\": not sorted\n", rule_classes[i - 1].from,
                   rule_classes[i].from);
            check_failures++;
        }
        for (j = 0; j < prose_safe_rewrites_count && !found; j++)
            found = !strcmp(prose_safe_rewrites[j].from, rule_classes[i].from);
        for (j = 0; j < prose_balanced_rewrites_count && !found; j++)
            found = !strcmp(prose_balanced_rewrites[j].from, rule_classes[i].from);
        if (!found) {
            printf("#   class map: \"%s\" is not a rule\n", rule_classes[i].from);
            check_failures++;
        }
    }
    /* and every template class is used (no dead templates) */
    for (i = 0; i < T_N; i++) {
        int used = 0;
        for (j = 0; j < n && !used; j++)
            used = rule_classes[j].cls == (enum tpl)i;
        if (!used) {
            printf("#   template class %zu is used by no rule\n", i);
            check_failures++;
        }
    }
    printf("# stop words: %zu, negation words: %zu\n", stop_words_count,
           lex_negation_words_count);
}

const struct test_case prose_rules_tests[] = {
    {"prose rules: tables sorted, lower case, single-spaced, unique", test_tables_sorted},
    {"prose rules: no negation or number is touched", test_no_negations_or_numbers},
    {"prose rules: sentence templates well formed", test_templates_well_formed},
    {"prose rules: template class map matches the tables", test_class_map},
    {"prose rules: every safe rewrite saves tokens on o200k and gemma3", test_safe_rules_save_tokens},
    {"prose rules: every balanced rewrite saves tokens on o200k and gemma3",
     test_balanced_rules_save_tokens},
    {NULL, NULL},
};
