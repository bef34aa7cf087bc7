// Makes the syntax tree's structs Boost.Fusion sequences, so X3 fills their members
// from a sequence parser's results in order. Included by the grammar only.
#pragma once

#include <boost/fusion/include/adapt_struct.hpp>
#include <boost/fusion/include/std_pair.hpp>

#include "parse/ast.hpp"

BOOST_FUSION_ADAPT_STRUCT(gradc::syntax::ast::Exponent, minus, operand)
BOOST_FUSION_ADAPT_STRUCT(gradc::syntax::ast::Power, base, exponents)
BOOST_FUSION_ADAPT_STRUCT(gradc::syntax::ast::Unary, minus, power)
BOOST_FUSION_ADAPT_STRUCT(gradc::syntax::ast::ProductTail, pos, op, operand)
BOOST_FUSION_ADAPT_STRUCT(gradc::syntax::ast::Product, first, rest)
BOOST_FUSION_ADAPT_STRUCT(gradc::syntax::ast::SumTail, pos, op, operand)
BOOST_FUSION_ADAPT_STRUCT(gradc::syntax::ast::Sum, first, rest)
BOOST_FUSION_ADAPT_STRUCT(gradc::syntax::ast::Comparison, op, operand)
BOOST_FUSION_ADAPT_STRUCT(gradc::syntax::ast::Expr, pos, first, rest)
BOOST_FUSION_ADAPT_STRUCT(gradc::syntax::ast::Argument, keyword, value)
BOOST_FUSION_ADAPT_STRUCT(gradc::syntax::ast::Call, name, args)
BOOST_FUSION_ADAPT_STRUCT(gradc::syntax::ast::BindingHead, name, indices, assign)
BOOST_FUSION_ADAPT_STRUCT(gradc::syntax::ast::Lead, pos, product)
BOOST_FUSION_ADAPT_STRUCT(gradc::syntax::ast::Group, pos, items, trailing_comma)
