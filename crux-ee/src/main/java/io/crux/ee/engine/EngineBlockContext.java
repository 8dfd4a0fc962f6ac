package io.crux.ee.engine;

import java.util.List;
import java.util.Objects;
import java.util.function.BiFunction;
import java.util.function.Predicate;
import java.util.function.Supplier;

import io.crux.ee.api.Block;
import io.crux.ee.api.BlockContext;
import io.crux.ee.api.FlowScope;
import io.crux.ee.api.FlowStatus;
import io.crux.ee.api.Rescued;
import io.crux.ee.api.StepOptions;
import io.crux.ee.api.exception.FlowStateException;
import io.crux.ee.catalog.Messages;

/** The engine's {@link BlockContext}: a block's path in a run, and the options its children inherit. */
final class EngineBlockContext implements BlockContext {

    private final BlockRunner blocks;
    private final String path;
    private final StepOptions<?> inherited;
    private final boolean leaf;

    EngineBlockContext(BlockRunner blocks, String path, StepOptions<?> inherited, boolean leaf) {
        this.blocks = blocks;
        this.path = path;
        this.inherited = inherited;
        this.leaf = leaf;
    }

    @Override
    public String path() {
        return path;
    }

    @Override
    public FlowScope<?> scope() {
        return blocks.scope();
    }

    @Override
    public <T> T service(Class<T> type) {
        return blocks.service(type);
    }

    @Override
    public <X, Y> Y run(Block<X, Y> block, X input) {
        Objects.requireNonNull(block, "block");
        requireComposite(block.name());
        return blocks.runBlock(block, input, path, inherited);
    }

    @Override
    public BlockContext under(String segment) {
        requireComposite(segment);
        if (segment == null || segment.isBlank() || segment.contains("/")) {
            throw new IllegalArgumentException(
                    "a path segment must be non-blank and contain no '/': '" + segment + "'");
        }
        return new EngineBlockContext(blocks, path + "/" + segment, inherited, false);
    }

    @Override
    public <Y> List<Y> fork(List<String> segments, int limit, BiFunction<BlockContext, Integer, Y> branch) {
        requireComposite(String.valueOf(segments));
        if (limit < 1) {
            throw new IllegalArgumentException("the concurrency limit must be at least 1: " + limit);
        }
        if (segments.stream().distinct().count() != segments.size()) {
            throw new IllegalArgumentException("the branch segments must be distinct: " + segments);
        }
        for (String s : segments) {
            if (s == null || s.isBlank() || s.contains("/")) {
                throw new IllegalArgumentException("a path segment must be non-blank and contain no '/': '" + s + "'");
            }
        }
        return blocks.fork(path, List.copyOf(segments), limit, inherited, Objects.requireNonNull(branch, "branch"));
    }

    @Override
    public <X, Y> Y rescue(
            Supplier<Y> body, Predicate<? super Throwable> when, Block<Rescued<X>, Y> recovery, X input) {
        requireComposite(recovery.name());
        return blocks.rescue(
                path,
                inherited,
                Objects.requireNonNull(body, "body"),
                Objects.requireNonNull(when, "when"),
                recovery,
                input);
    }

    private void requireComposite(String child) {
        if (leaf) {
            throw new FlowStateException(
                    Messages.blockRunInLeaf(blocks.flowId(), path, child), blocks.flowId(), FlowStatus.RUNNING);
        }
    }

    @Override
    public String toString() {
        return "BlockContext[" + path + "]";
    }
}
