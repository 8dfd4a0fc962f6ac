package io.crux.it.support;

import java.io.File;

import org.jboss.shrinkwrap.api.ShrinkWrap;
import org.jboss.shrinkwrap.api.asset.StringAsset;
import org.jboss.shrinkwrap.api.importer.ExplodedImporter;
import org.jboss.shrinkwrap.api.spec.JavaArchive;
import org.jboss.shrinkwrap.api.spec.WebArchive;

/**
 * Builds the WARs that the in-server tests deploy: the test's own classes plus the crux-ee jar, and nothing of
 * LangChain4j (the research sample's tests deploy the sample WAR, which carries crux-ee-langchain4j).
 */
public final class Deployments {

    private Deployments() {}

    /** @return crux-ee as a jar, from the module's compiled classes (system property {@code crux.classes}) */
    public static JavaArchive cruxJar() {
        String dir = System.getProperty("crux.classes", "../crux-ee/target/classes");
        return ShrinkWrap.create(ExplodedImporter.class, "crux-ee.jar")
                .importDirectory(new File(dir))
                .as(JavaArchive.class);
    }

    /**
     * @param name the WAR's name, without {@code .war}
     * @param classes the application classes
     * @return a WAR with crux-ee alone (it needs no third-party library), CDI in annotated mode, the sample's
     *     {@code web.xml} (BASIC authentication against the server's registry) and the given classes
     */
    public static WebArchive war(String name, Class<?>... classes) {
        return ShrinkWrap.create(WebArchive.class, name + ".war")
                .addClasses(classes)
                .addAsLibrary(cruxJar())
                .addAsWebInfResource(
                        new StringAsset("<beans xmlns=\"https://jakarta.ee/xml/ns/jakartaee\" version=\"4.0\""
                                + " bean-discovery-mode=\"annotated\"/>"),
                        "beans.xml")
                .setWebXML(new File("src/main/webapp/WEB-INF/web.xml"));
    }

    /**
     * @param war a WAR
     * @param properties MicroProfile Config properties, one per line
     * @return the WAR with {@code META-INF/microprofile-config.properties}
     */
    public static WebArchive withConfig(WebArchive war, String properties) {
        return war.addAsResource(new StringAsset(properties), "META-INF/microprofile-config.properties");
    }
}
