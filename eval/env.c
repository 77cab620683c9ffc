/* env.c - API keys and settings from the environment or a .env file.
 *
 * The environment wins over the file, so a key exported for one run
 * overrides the project's .env. Values are kept in memory only and never
 * printed: error messages name the variable, not its value.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "eval.h"

#define ENV_MAX 64

static struct {
    char *name, *value;
} file_vars[ENV_MAX];
static size_t n_file_vars;

const char *eval_env(const char *name)
{
    const char *v = getenv(name);
    size_t i;
    if (v && *v)
        return v;
    for (i = 0; i < n_file_vars; i++)
        if (strcmp(file_vars[i].name, name) == 0)
            return file_vars[i].value;
    return NULL;
}

/* Trims spaces at both ends of s[0..*n) in place; returns the new start. */
static char *trim(char *s, size_t *n)
{
    while (*n && (*s == ' ' || *s == '\t')) {
        s++;
        (*n)--;
    }
    while (*n && (s[*n - 1] == ' ' || s[*n - 1] == '\t' || s[*n - 1] == '\r'))
        (*n)--;
    return s;
}

/* Reads lines "NAME=VALUE", "export NAME=VALUE", values optionally in
 * single or double quotes; '#' starts a comment line. A later line
 * overrides an earlier one. Lines it cannot read are errors (with their
 * number), since a silently ignored key line would send requests without
 * a key. */
int eval_env_load(const char *path, int required, char *err, size_t errlen)
{
    char err2[160];
    size_t len, line = 0;
    char *text = eval_read_file(path, &len, err2, sizeof err2), *p;
    if (!text) {
        if (!required)
            return 0;
        snprintf(err, errlen, "%s", err2);
        return -1;
    }
    for (p = text; p < text + len;) {
        char *nl = memchr(p, '\n', (size_t)(text + len - p)), *eq, *name, *val;
        size_t n = nl ? (size_t)(nl - p) : (size_t)(text + len - p), nn, vn, i;
        char *l = trim(p, &n);
        line++;
        p = nl ? nl + 1 : text + len;
        if (!n || *l == '#')
            continue;
        if (n > 7 && strncmp(l, "export ", 7) == 0) {
            l += 7;
            n -= 7;
            l = trim(l, &n);
        }
        eq = memchr(l, '=', n);
        if (!eq || eq == l) {
            snprintf(err, errlen, "%s:%zu: expected NAME=VALUE", path, line);
            free(text);
            return -1;
        }
        nn = (size_t)(eq - l);
        name = trim(l, &nn);
        vn = n - (size_t)(eq + 1 - l);
        val = trim(eq + 1, &vn);
        if (vn >= 2 && (val[0] == '"' || val[0] == '\'') && val[vn - 1] == val[0]) {
            val++;
            vn -= 2;
        }
        for (i = 0; i < n_file_vars; i++)
            if (strlen(file_vars[i].name) == nn && memcmp(file_vars[i].name, name, nn) == 0)
                break;
        if (i == ENV_MAX) {
            snprintf(err, errlen, "%s: more than %d variables", path, ENV_MAX);
            free(text);
            return -1;
        }
        if (i == n_file_vars) {
            file_vars[i].name = strndup(name, nn);
            n_file_vars++;
        } else {
            free(file_vars[i].value);
        }
        file_vars[i].value = strndup(val, vn);
        if (!file_vars[i].name || !file_vars[i].value) {
            snprintf(err, errlen, "out of memory reading %s", path);
            free(text);
            return -1;
        }
    }
    free(text);
    return 0;
}
