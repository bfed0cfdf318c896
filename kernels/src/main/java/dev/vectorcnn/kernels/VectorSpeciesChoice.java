package dev.vectorcnn.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The one float species every vector kernel uses, fixed at start-up from {@code vectorcnn.species}.
 * A {@code static final} species lets C2 compile each kernel for exactly one vector width.
 * Only loaded when {@link KernelBackend#isVectorized()} is true.
 */
final class VectorSpeciesChoice {

    static final VectorSpecies<Float> FLOAT = choose(KernelBackend.requestedSpecies());

    private VectorSpeciesChoice() {
    }

    private static VectorSpecies<Float> choose(String requested) {
        return switch (requested) {
            case "128" -> FloatVector.SPECIES_128;
            case "256" -> FloatVector.SPECIES_256;
            case "512" -> FloatVector.SPECIES_512;
            default -> FloatVector.SPECIES_PREFERRED;
        };
    }

    static int bits() {
        return FLOAT.vectorBitSize();
    }
}
