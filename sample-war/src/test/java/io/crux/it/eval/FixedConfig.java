package io.crux.it.eval;

import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;

import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.ConfigValue;
import org.eclipse.microprofile.config.spi.ConfigBuilder;
import org.eclipse.microprofile.config.spi.ConfigProviderResolver;
import org.eclipse.microprofile.config.spi.ConfigSource;
import org.eclipse.microprofile.config.spi.Converter;

/**
 * MicroProfile Config for the test JVM, which has no implementation of it: fixed values that the
 * sample's flows read with {@code ConfigProvider} when the test kit runs them outside the server. It
 * converts to {@code String} and to the types with a static {@code parse(CharSequence)} or
 * {@code valueOf(String)} ({@code Duration}, {@code Integer}, ...), enough for the sample's settings.
 */
final class FixedConfig implements Config {

    private final Map<String, String> values;

    private FixedConfig(Map<String, String> values) {
        this.values = Map.copyOf(values);
    }

    /** Makes {@code ConfigProvider.getConfig()} answer these values in this JVM. */
    static void install(Map<String, String> values) {
        FixedConfig config = new FixedConfig(values);
        ConfigProviderResolver.setInstance(new ConfigProviderResolver() {
            @Override
            public Config getConfig() {
                return config;
            }

            @Override
            public Config getConfig(ClassLoader loader) {
                return config;
            }

            @Override
            public ConfigBuilder getBuilder() {
                throw new UnsupportedOperationException("a fixed configuration");
            }

            @Override
            public void registerConfig(Config c, ClassLoader loader) {
                throw new UnsupportedOperationException("a fixed configuration");
            }

            @Override
            public void releaseConfig(Config c) {}
        });
    }

    /** Lets {@code ConfigProvider} look for an implementation again, for the tests that run after. */
    static void uninstall() {
        ConfigProviderResolver.setInstance(null);
    }

    @Override
    public <T> T getValue(String name, Class<T> type) {
        return getOptionalValue(name, type).orElseThrow(() -> new NoSuchElementException(name));
    }

    @Override
    public ConfigValue getConfigValue(String name) {
        throw new UnsupportedOperationException("a fixed configuration");
    }

    @Override
    public <T> Optional<T> getOptionalValue(String name, Class<T> type) {
        String text = values.get(name);
        if (text == null) {
            return Optional.empty();
        }
        if (type == String.class) {
            return Optional.of(type.cast(text));
        }
        for (String factory : new String[] {"parse", "valueOf"}) {
            for (Class<?> arg : new Class<?>[] {CharSequence.class, String.class}) {
                try {
                    return Optional.of(type.cast(type.getMethod(factory, arg).invoke(null, text)));
                } catch (NoSuchMethodException e) {
                    // try the next factory
                } catch (ReflectiveOperationException e) {
                    throw new IllegalArgumentException(name + "=" + text, e);
                }
            }
        }
        throw new IllegalArgumentException("no conversion of " + name + " to " + type.getName());
    }

    @Override
    public Iterable<String> getPropertyNames() {
        return values.keySet();
    }

    @Override
    public Iterable<ConfigSource> getConfigSources() {
        return java.util.List.of();
    }

    @Override
    public <T> Optional<Converter<T>> getConverter(Class<T> type) {
        return Optional.empty();
    }

    @Override
    public <T> T unwrap(Class<T> type) {
        throw new IllegalArgumentException(type.getName());
    }
}
