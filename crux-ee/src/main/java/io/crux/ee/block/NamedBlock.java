package io.crux.ee.block;

import io.crux.ee.api.Block;
import io.crux.ee.api.StepOptions;

/**
 * The base of the blocks that crux-ee ships (handler, router, sequencer, generator): it holds the
 * block's checked name and its step options, and answers {@link #name()} and {@link #options()}.
 * A block of an application may extend it too, to get the same check of its name.
 *
 * <p>Immutable: a subclass changes its options by returning a copy, as {@code withOptions} does in
 * the blocks of crux-ee.
 *
 * @param <I> the input type
 * @param <O> the output type
 */
public abstract class NamedBlock<I, O> implements Block<I, O> {

    private final String name;
    private final StepOptions<O> options;

    /**
     * @param kind what kind of block it is, for the message of a refused name, for example
     *     {@code "handler"}
     * @param name the block's name, the last segment of its path
     * @param options the block's retry, fallback and timeout settings, or {@code null} to take those
     *     of the enclosing block
     * @throws IllegalArgumentException if the name is blank or holds {@code /}, {@code [}, {@code ]}
     *     or {@code #}
     */
    protected NamedBlock(String kind, String name, StepOptions<O> options) {
        this.name = Names.check("a " + kind + "'s name", name);
        this.options = options;
    }

    @Override
    public final String name() {
        return name;
    }

    @Override
    public final StepOptions<O> options() {
        return options;
    }
}
