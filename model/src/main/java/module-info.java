/** A thin layer over the kernels: tensors, layers, a sequential model, loss, optimizers, checkpoints. */
module dev.vectorcnn.model {
    requires transitive dev.vectorcnn.kernels;

    exports dev.vectorcnn.model;
}
