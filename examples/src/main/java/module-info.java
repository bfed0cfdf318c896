/** Runnable examples: the MNIST trainer and the demos of the TensorFlow CNN tutorial. */
module dev.vectorcnn.examples {
    requires transitive dev.vectorcnn.model;
    requires info.picocli;
    requires java.desktop;
    requires java.net.http;

    // MnistNetwork, the one definition of the tutorial's network, is shared with the benchmarks.
    exports dev.vectorcnn.examples;

    // picocli fills the @Option fields reflectively.
    opens dev.vectorcnn.examples to info.picocli;
}
