/** Runnable examples: the MNIST trainer and the demos of the TensorFlow CNN tutorial. */
module dev.vectorcnn.examples {
    requires dev.vectorcnn.model;
    requires java.desktop;
    requires java.net.http;
}
