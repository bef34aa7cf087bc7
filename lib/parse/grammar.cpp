// The one translation unit that compiles Spirit X3: the grammar is instantiated here
// for the single iterator and context type the parser uses.
#include "parse/grammar_def.hpp"

#include "gradc/error.hpp"

namespace gradc::syntax {

namespace grammar {

using iterator_type = const char*;
using phrase_context_type = x3::phrase_parse_context<blank_parser>::type;
using context_type = x3::context<input_tag, Input, phrase_context_type>;

BOOST_SPIRIT_INSTANTIATE(program_type, iterator_type, context_type)

}  // namespace grammar

void read_program(std::string_view source, StatementSink& sink) {
    grammar::Input input{source, sink, std::nullopt};
    const char* first = source.data();
    const char* const last = first + source.size();
    const bool ok = grammar::x3::phrase_parse(
        first, last, grammar::x3::with<grammar::input_tag>(input)[grammar::program], grammar::blank);
    if (input.failure) grammar::throw_failure(source, *input.failure);
    // The program rule starts with an expectation and ends with one at the end of the
    // text, so without a failure it has matched everything.
    GRADC_ASSERT(ok && first == last, "the program rule returned without matching the whole text");
}

}  // namespace gradc::syntax
