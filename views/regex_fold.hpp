#pragma once
// Rewrites applied to a -Q `=~` pattern (POSIX ERE, glibc) before regcomp.
#include <string>
#include <string_view>

namespace nsview {

// Folds each run of stacked repetition operators into the one operator it equals:
// "a**", "a*+", "a+?", "a?+" are all "a*", "a++" is "a+", "a??" is "a?". glibc accepts such
// runs and builds one nested closure per operator; 40 stacked '*' made regcomp take over
// 10 s (found by fuzzing). Escaped operators ("\*") and bracket expressions ("[*+]") are
// literal and kept; intervals ("{2}") end a run, since "a{2}*" is not "a*". With REG_NOSUB
// the folded pattern matches exactly the strings the original does.
std::string fold_stacked_repetitions(std::string_view ere);

// The index of the ']' that closes the bracket expression opening at p[open] ('['), or npos
// when it is not closed. A leading ']' (after an optional '^') is a member, and
// "[:class:]", "[=x=]", "[.x.]" may hold a ']'.
std::size_t bracket_end(std::string_view p, std::size_t open);

}  // namespace nsview
