/**
 * JMH benchmarks of the vectorcnn kernels, their baselines, and the Markdown report. JMH and EJML
 * are automatic modules (their jars name none).
 */
@SuppressWarnings({"requires-automatic", "requires-transitive-automatic"})
module dev.vectorcnn.bench {
    requires dev.vectorcnn.kernels;
    requires dev.vectorcnn.model;
    requires dev.vectorcnn.examples;
    requires jdk.incubator.vector;
    requires transitive jmh.core;
    requires ejml.core;
    requires ejml.fdense;

    exports dev.vectorcnn.bench;
    exports dev.vectorcnn.bench.jmh_generated;
}
