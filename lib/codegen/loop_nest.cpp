#include "codegen/loop_nest.hpp"

#include <string>

#include "codegen/emit_nodes.hpp"
#include "codegen/loop_emitter.hpp"
#include "codegen/schedule.hpp"
#include "gradc/error.hpp"

namespace gradc::codegen {

namespace {

std::size_t placeholder_index(Expr v) { return std::stoul(std::string(v->name().substr(1))); }

bool is_static_one(const Extent& e) { return e.rows == 0 && e.value == 1; }

}  // namespace

StageEmitter::StageEmitter(llvm::Function* function, const LoopPlan& plan, const LoopNestOptions& options)
    : function_(function), plan_(plan), options_(options), context_(function->getContext()), b_(context_) {
    f64_ = llvm::Type::getDoubleTy(context_);
    i64_ = llvm::Type::getInt64Ty(context_);
    ptr_ = llvm::PointerType::getUnqual(context_);
    buffers_ = function->getArg(0);
    rows_ = function->getArg(1);
    auto* entry = llvm::BasicBlock::Create(context_, "entry", function);
    auto* body = llvm::BasicBlock::Create(context_, "body", function);
    llvm::IRBuilder<> at_entry(entry);
    llvm::Instruction* branch = at_entry.CreateBr(body);
    top_ = std::make_unique<llvm::IRBuilder<>>(branch);
    b_.SetInsertPoint(body);
    max_node_ = helpers_.make(Op::Max, helpers_.variable("a"), helpers_.variable("b"));
}

llvm::Type* StageEmitter::row_type(unsigned width) const {
    return width == 1 ? f64_ : static_cast<llvm::Type*>(llvm::FixedVectorType::get(f64_, width));
}

llvm::Value* StageEmitter::i64(std::int64_t v) const {
    return llvm::ConstantInt::get(i64_, static_cast<std::uint64_t>(v));
}

llvm::Value* StageEmitter::splat(double v, unsigned width) const { return llvm::ConstantFP::get(row_type(width), v); }

llvm::Value* StageEmitter::extent(const Extent& e) {
    if (e.rows == 0 || e.value == 0) return i64(e.value);
    auto it = rows_powers_.find(e.rows);
    if (it == rows_powers_.end()) {
        llvm::Value* p = rows_;
        for (int k = 1; k < e.rows; ++k) p = top_->CreateMul(p, rows_);
        it = rows_powers_.emplace(e.rows, p).first;
    }
    return e.value == 1 ? it->second : top_->CreateMul(it->second, i64(e.value));
}

llvm::Value* StageEmitter::buffer(std::size_t slot) {
    auto it = buffer_cache_.find(slot);
    if (it == buffer_cache_.end()) {
        llvm::Value* p = top_->CreateLoad(ptr_, top_->CreateConstInBoundsGEP1_64(ptr_, buffers_, slot));
        it = buffer_cache_.emplace(slot, p).first;
    }
    return it->second;
}

llvm::Value* StageEmitter::origin(const Access& access) {
    llvm::Value* p = buffer(access.slot);
    return access.base == 0 ? p : top_->CreateInBoundsGEP(f64_, p, i64(access.base));
}

llvm::AllocaInst* StageEmitter::local(llvm::Type* type, llvm::Value* count) { return top_->CreateAlloca(type, count); }

llvm::Value* StageEmitter::max_of(llvm::Value* a, llvm::Value* b) {
    llvm::Value* args[2] = {a, b};
    return lower_op(b_, max_node_, args, options_.lowering);
}

void StageEmitter::loop(llvm::Value* begin, llvm::Value* end, llvm::Value* step,
                        const std::function<void(llvm::Value*)>& body) {
    llvm::BasicBlock* before = b_.GetInsertBlock();
    auto* header = llvm::BasicBlock::Create(context_, "loop", function_);
    auto* inside = llvm::BasicBlock::Create(context_, "iteration", function_);
    auto* after = llvm::BasicBlock::Create(context_, "after", function_);
    b_.CreateBr(header);
    b_.SetInsertPoint(header);
    llvm::PHINode* i = b_.CreatePHI(i64_, 2);
    i->addIncoming(begin, before);
    b_.CreateCondBr(b_.CreateICmpULT(i, end), inside, after);
    b_.SetInsertPoint(inside);
    body(i);
    i->addIncoming(b_.CreateAdd(i, step), b_.GetInsertBlock());
    b_.CreateBr(header);
    b_.SetInsertPoint(after);
}

void StageEmitter::loop_all(const std::vector<Extent>& dims,
                            const std::function<void(const std::vector<llvm::Value*>&)>& body) {
    std::vector<llvm::Value*> index;
    // One level per axis: the recursion is as deep as the rank, never the program.
    std::function<void(std::size_t)> level = [&](std::size_t k) {
        if (k == dims.size()) return body(index);
        loop(i64(0), extent(dims[k]), i64(1), [&](llvm::Value* i) {
            index.push_back(i);
            level(k + 1);
            index.pop_back();
        });
    };
    level(0);
}

void StageEmitter::when(llvm::Value* condition, const std::function<void()>& then) {
    auto* yes = llvm::BasicBlock::Create(context_, "then", function_);
    auto* after = llvm::BasicBlock::Create(context_, "endif", function_);
    b_.CreateCondBr(condition, yes, after);
    b_.SetInsertPoint(yes);
    then();
    b_.CreateBr(after);
    b_.SetInsertPoint(after);
}

llvm::Value* StageEmitter::offset_of(const std::vector<Extent>& strides, const std::vector<llvm::Value*>& at) {
    llvm::Value* offset = i64(0);
    for (std::size_t k = 0; k < strides.size(); ++k) {
        if (strides[k].value == 0) continue;
        llvm::Value* term = strides[k] == Extent{1, 0} ? at[k] : b_.CreateMul(at[k], extent(strides[k]));
        offset = b_.CreateAdd(offset, term);
    }
    return offset;
}

llvm::Value* StageEmitter::flat_of(const std::vector<Extent>& dims, const std::vector<llvm::Value*>& at) {
    llvm::Value* flat = i64(0);
    for (std::size_t k = 0; k < dims.size(); ++k) flat = b_.CreateAdd(b_.CreateMul(flat, extent(dims[k])), at[k]);
    return flat;
}

std::vector<llvm::Value*> StageEmitter::unflatten(llvm::Value* flat, const std::vector<Extent>& dims) {
    std::vector<llvm::Value*> at(dims.size());
    for (std::size_t k = dims.size(); k-- > 0;) {
        if (k == 0) {
            at[k] = flat;
            break;
        }
        llvm::Value* d = extent(dims[k]);
        at[k] = b_.CreateURem(flat, d);
        flat = b_.CreateUDiv(flat, d);
    }
    return at;
}

llvm::Value* StageEmitter::load_lanes(llvm::Value* base, llvm::Value* offset, const Extent& lane_stride,
                                      unsigned width) {
    const llvm::Align align(8);
    llvm::Value* first = b_.CreateInBoundsGEP(f64_, base, offset);
    if (width == 1) return b_.CreateAlignedLoad(f64_, first, align);
    if (lane_stride.value == 0) return b_.CreateVectorSplat(width, b_.CreateAlignedLoad(f64_, first, align));
    if (lane_stride == Extent{1, 0}) return b_.CreateAlignedLoad(row_type(width), first, align);
    llvm::Value* v = llvm::PoisonValue::get(row_type(width));
    llvm::Value* step = extent(lane_stride);
    for (unsigned j = 0; j < width; ++j) {
        llvm::Value* at = b_.CreateAdd(offset, b_.CreateMul(step, i64(j)));
        v = b_.CreateInsertElement(v, b_.CreateAlignedLoad(f64_, b_.CreateInBoundsGEP(f64_, base, at), align), j);
    }
    return v;
}

llvm::Value* StageEmitter::read(const Access& access, const At& at, unsigned width) {
    const Extent none{0, 0};
    const Extent& lane_stride = at.lane >= 0 ? access.strides[static_cast<std::size_t>(at.lane)] : none;
    return load_lanes(origin(access), offset_of(access.strides, at.at), lane_stride, width);
}

llvm::Value* StageEmitter::element(Tensor t, const At& at, unsigned width) {
    const NodePlan& node = plan_.of(t);
    if (const auto it = given_.find(t); it != given_.end()) return it->second;
    if (node.role == Role::Inline) return compute(t, at, width);
    if (node.role == Role::Constant && t->values().size() == 1) return splat(t->values()[0], width);
    GRADC_ASSERT(node.role != Role::IndexAlias, "index data read as reals");
    return read(node.access, at, width);
}

llvm::Value* StageEmitter::compute(Tensor t, const At& at, unsigned width) {
    const NodePlan& node = plan_.of(t);
    switch (t->kind()) {
        case TensorKind::Map: return compute_map(t, at, width);
        case TensorKind::Contract:
        case TensorKind::Sum:
        case TensorKind::Max: return reduce(t, at, width);
        case TensorKind::Broadcast: {
            const NodePlan& x = plan_.of(t->operand(0));
            At in;
            for (std::size_t k = 0; k < x.dims.size(); ++k) {
                const std::size_t axis = t->axes()[k];
                const bool stretched = is_static_one(x.dims[k]);
                in.at.push_back(stretched ? i64(0) : at.at[axis]);
                if (!stretched && static_cast<int>(axis) == at.lane) in.lane = static_cast<int>(k);
            }
            return element(t->operand(0), in, width);
        }
        case TensorKind::Permute: {
            At in;
            in.at.resize(at.at.size());
            for (std::size_t k = 0; k < at.at.size(); ++k) {
                in.at[t->axes()[k]] = at.at[k];
                if (static_cast<int>(k) == at.lane) in.lane = static_cast<int>(t->axes()[k]);
            }
            return element(t->operand(0), in, width);
        }
        case TensorKind::Reshape: {
            GRADC_ASSERT(width == 1, "a reshape stage runs one element at a time");
            At in{unflatten(flat_of(node.dims, at.at), plan_.of(t->operand(0)).dims), -1};
            return element(t->operand(0), in, 1);
        }
        case TensorKind::Delta: {
            GRADC_ASSERT(width == 1, "a delta stage runs one element at a time");
            const std::size_t half = at.at.size() / 2;
            llvm::Value* same = b_.getTrue();
            for (std::size_t k = 0; k < half; ++k)
                same = b_.CreateAnd(same, b_.CreateICmpEQ(at.at[k], at.at[half + k]));
            return b_.CreateSelect(same, splat(1.0, 1), splat(0.0, 1));
        }
        case TensorKind::View: return compute_view(t, at);
        case TensorKind::ViewAdjoint:
            if (injective_adjoint(t)) return compute_inverse_view(t, at, width);
            break;
        case TensorKind::Gather: return compute_gather(t, at);
        case TensorKind::Param:
        case TensorKind::Data:
        case TensorKind::Constant:
        case TensorKind::ScatterAdd: break;
    }
    GRADC_ASSERT(false, "no element-wise code for this kind of node");
    return nullptr;
}

llvm::Value* StageEmitter::compute_map(Tensor t, const At& at, unsigned width) {
    const Expr body = t->body();
    auto it = bodies_.find(body);
    if (it == bodies_.end()) {
        std::vector<Expr> inputs = free_variables(std::span<const Expr>(&body, 1));
        Schedule schedule = make_schedule(std::span<const Expr>(&body, 1), inputs);
        it = bodies_.emplace(body, Body{std::move(inputs), std::move(schedule)}).first;
    }
    const std::vector<Expr>& inputs = it->second.inputs;
    const Schedule& schedule = it->second.schedule;
    // The operands' elements first, each once: an operand may be a whole reduction.
    std::vector<llvm::Value*> values(inputs.size());
    const std::size_t rank = at.at.size();
    for (std::size_t i = 0; i < inputs.size(); ++i) {
        const std::size_t k = placeholder_index(inputs[i]);
        const Tensor operand = t->operand(k);
        const std::vector<Extent>& dims = plan_.of(operand).dims;
        const std::size_t shift = rank - dims.size();  // aligned at the right
        At in;
        for (std::size_t j = 0; j < dims.size(); ++j) {
            const bool stretched = is_static_one(dims[j]);
            in.at.push_back(stretched ? i64(0) : at.at[shift + j]);
            if (!stretched && static_cast<int>(shift + j) == at.lane) in.lane = static_cast<int>(j);
        }
        values[i] = element(operand, in, width);
    }
    NodeEmission how;
    how.type = row_type(width);
    how.input = [&values](std::uint32_t position) { return values[position]; };
    how.lowering = options_.lowering;
    const std::vector<llvm::Value*> out = emit_nodes(b_, schedule, how);
    return out[schedule.outputs[0]];
}

llvm::Value* StageEmitter::compute_gather(Tensor t, const At& at) {
    // x at `at` with the gathered axis replaced by index[flat position mod its size].
    const std::size_t axis = t->axes()[0];
    const Tensor index = t->operand(1);
    const NodePlan& source = plan_.of(index_source(index));
    llvm::Value* position = b_.CreateURem(flat_of(plan_.of(t).dims, at.at), extent(product_of(plan_.of(index).dims)));
    llvm::Value* value =
        b_.CreateAlignedLoad(i64_, b_.CreateInBoundsGEP(i64_, buffer(source.access.slot), position), llvm::Align(8));
    At in = at;
    in.at[axis] = value;
    in.lane = -1;
    return element(t->operand(0), in, 1);
}

void StageEmitter::emit_stage(const Stage& stage) {
    if (stage.pack)
        emit_pack(stage);
    else if (stage.mirror)
        emit_mirror(stage);
    else if (stage.sequential)
        scatter(stage);
    else if (stage.output_lanes)
        emit_output_tiled(stage);
    else if (stage.tiled != nullptr)
        emit_tiled(stage);
    else
        emit_rows(stage);
    b_.CreateRetVoid();
}

void StageEmitter::emit_rows(const Stage& stage) {
    const Tensor root = stage.root;
    const NodePlan& node = plan_.of(root);
    llvm::Value* home = buffer(node.access.slot);
    const llvm::Align align(8);
    if (node.dims.empty()) {
        b_.CreateAlignedStore(compute(root, At{}, 1), home, align);
        return;
    }
    llvm::Value* begin = function_->getArg(2);
    llvm::Value* end = function_->getArg(3);
    const std::size_t rank = node.dims.size();
    const std::vector<Extent> outer(node.dims.begin(), node.dims.end() - 1);
    const Extent width = node.dims.back();
    llvm::Value* inner = extent(width);
    unsigned lanes = stage.vectorizable ? options_.lanes : 1;
    if (width.rows == 0 && width.value < static_cast<std::int64_t>(lanes)) lanes = 1;  // not one vector
    const bool whole_vectors = lanes > 1 && width.rows == 0 && width.value % lanes == 0;
    loop(begin, end, i64(1), [&](llvm::Value* unit) {
        std::vector<llvm::Value*> at = outer.empty() ? std::vector<llvm::Value*>{} : unflatten(unit, outer);
        llvm::Value* row = b_.CreateMul(unit, inner);  // the root is row-major
        at.push_back(nullptr);
        llvm::Value* done = i64(0);
        if (lanes > 1) {
            done = b_.CreateMul(b_.CreateUDiv(inner, i64(lanes)), i64(lanes));
            loop(i64(0), done, i64(lanes), [&](llvm::Value* j) {
                at.back() = j;
                llvm::Value* v = compute(root, At{at, static_cast<int>(rank - 1)}, lanes);
                b_.CreateAlignedStore(v, b_.CreateInBoundsGEP(f64_, home, b_.CreateAdd(row, j)), align);
            });
        }
        if (whole_vectors) return;
        if (lanes > 1 && width.rows == 0) {
            // The last vector ends at the row's end, overlapping the one before: its
            // elements are computed again to the same bits, and no scalar copy of the
            // code is needed.
            at.back() = i64(width.value - static_cast<std::int64_t>(lanes));
            llvm::Value* v = compute(root, At{at, static_cast<int>(rank - 1)}, lanes);
            b_.CreateAlignedStore(v, b_.CreateInBoundsGEP(f64_, home, b_.CreateAdd(row, at.back())), align);
            return;
        }
        loop(done, inner, i64(1), [&](llvm::Value* j) {
            at.back() = j;
            llvm::Value* v = compute(root, At{at, -1}, 1);
            b_.CreateAlignedStore(v, b_.CreateInBoundsGEP(f64_, home, b_.CreateAdd(row, j)), align);
        });
    });
}

std::vector<std::string> emit_loop_nests(llvm::Module& module, const LoopPlan& plan, const std::string& prefix,
                                         const LoopNestOptions& options, std::span<const std::size_t> stages) {
    llvm::LLVMContext& context = module.getContext();
    llvm::Type* i64 = llvm::Type::getInt64Ty(context);
    llvm::Type* ptr = llvm::PointerType::getUnqual(context);
    auto* type = llvm::FunctionType::get(llvm::Type::getVoidTy(context), {ptr, i64, i64, i64}, false);
    std::vector<std::string> names;
    for (const std::size_t s : stages) {
        names.push_back(prefix + "_" + std::to_string(s));
        auto* function = llvm::Function::Create(type, llvm::Function::ExternalLinkage, names.back(), module);
        function->setDoesNotThrow();
        function->addFnAttr("stackrealign");  // vector spills within a cache line (row_function.cpp)
        function->getArg(0)->addAttr(llvm::Attribute::NoCapture);
        function->getArg(0)->addAttr(llvm::Attribute::ReadOnly);
        StageEmitter emitter(function, plan, options);
        emitter.emit_stage(plan.stages[s]);
    }
    return names;
}

}  // namespace gradc::codegen
