/* status.h - the library's one error convention is the public TERSE_*
 * status codes (include/terse.h), forwarded, never replaced. Work that
 * carries on after a failure to a place where it checks (a pass over many
 * pieces, a document's segments) keeps the first failure in a status
 * field:
 *
 *     status_fail(&j->status, rc);       (TERSE_OK until the first failure)
 *     ...
 *     return j->status != TERSE_OK ? j->status : rc;
 */
#ifndef TERSE_COMMON_STATUS_H
#define TERSE_COMMON_STATUS_H

#include "terse.h"

/* Records the failure rc in *status unless an earlier one is there: the
 * first cause is the one returned (a count's or a piece's own status, not
 * the out of memory that may follow it). */
static inline void status_fail(int *status, int rc)
{
    if (*status == TERSE_OK)
        *status = rc;
}

#endif
