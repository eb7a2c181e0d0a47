// How the composition root (tm/translation_memory.cc) makes a Matcher: it hands over the store and the
// fuzzy index it opened together, so the matcher never has to look for them.
#ifndef DHAKIRA_MATCH_NEW_MATCHER_H_
#define DHAKIRA_MATCH_NEW_MATCHER_H_

#include <memory>

#include "dhakira/match.h"
#include "dhakira/status.h"
#include "index/index_hook.h"
#include "store/store_internal.h"

namespace dhakira::match {

// A Matcher reading `store` and `index`, the fuzzy index hook attached to that store (so it is written
// in the store's transactions). The store must outlive the matcher; the matcher shares the hook.
// FailedPrecondition when the index is absent (a TM of an older index format opened read-only).
StatusOr<std::unique_ptr<Matcher>> NewMatcher(LmdbStore* store, std::shared_ptr<const index::FuzzyIndexHook> index);

}  // namespace dhakira::match

#endif  // DHAKIRA_MATCH_NEW_MATCHER_H_
