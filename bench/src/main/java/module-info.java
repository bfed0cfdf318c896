/**
 * JMH benchmarks of the vectorcnn kernels, their baselines, and the Markdown report. It exports
 * nothing: the benchmarks run from the shaded jar on the class path. JMH and EJML are automatic
 * modules (their jars name none).
 */
@SuppressWarnings("requires-automatic")
module dev.vectorcnn.bench {
    requires dev.vectorcnn.kernels;
    requires dev.vectorcnn.model;
    requires dev.vectorcnn.examples;
    requires jdk.incubator.vector;
    requires jmh.core;
    requires ejml.core;
    requires ejml.fdense;
}
