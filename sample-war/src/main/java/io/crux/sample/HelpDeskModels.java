package io.crux.sample;

import java.time.Duration;

import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedThreadFactory;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Inject;
import jakarta.inject.Named;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import dev.langchain4j.model.chat.StreamingChatModel;

/** Makes the help desk's model a CDI bean named {@value HelpDeskModel#NAME}, which streams on the server's managed threads. */
@ApplicationScoped
public class HelpDeskModels {

    @Resource(lookup = "java:comp/DefaultManagedThreadFactory")
    ManagedThreadFactory threads;

    /** Stands in for a model's pace, so that the answer visibly grows in the browser; {@code PT0S} answers at once. */
    @Inject
    @ConfigProperty(name = "sample.help-desk.word-pause", defaultValue = "PT0.06S")
    Duration wordPause;

    @Produces
    @ApplicationScoped
    @Named(HelpDeskModel.NAME)
    StreamingChatModel helpDeskModel() {
        return new HelpDeskModel(threads, wordPause);
    }
}
