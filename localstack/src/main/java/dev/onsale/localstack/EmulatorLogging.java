package dev.onsale.localstack;

import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.core.config.Configurator;

/** Keeps the in-process emulators' own logging down to what matters. */
final class EmulatorLogging {

    private EmulatorLogging() {}

    /**
     * ElasticMQ, Pekko and DynamoDB Local's Jetty log through slf4j-simple, which reads a logger's level
     * from system properties when the logger is created: set them before the emulators start, unless
     * the user chose otherwise.
     */
    static void quietSlf4jLoggers() {
        for (String noisy : new String[] {"org.apache.pekko", "org.elasticmq", "org.eclipse.jetty", "com.almworks.sqlite4java"}) {
            String key = "org.slf4j.simpleLogger.log." + noisy;
            if (System.getProperty(key) == null) {
                System.setProperty(key, "warn");
            }
        }
    }

    /**
     * DynamoDB Local logs through Log4j 2 (its jar ships a log4j2.xml at WARN) and writes a stack trace
     * for every cancelled transaction at that level: keep errors only.
     */
    static void quietDynamoDbLocal() {
        Configurator.setAllLevels("software.amazon.dynamodb", Level.ERROR);
        Configurator.setAllLevels("com.amazonaws.services.dynamodbv2", Level.ERROR);
    }
}
