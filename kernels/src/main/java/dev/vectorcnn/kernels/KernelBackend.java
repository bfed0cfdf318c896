package dev.vectorcnn.kernels;

import java.lang.System.Logger.Level;
import java.util.Locale;

/**
 * Decides once, at class initialisation, whether the kernels run on the Vector API or on their
 * scalar references. This class must never touch {@code jdk.incubator.vector}: it is what keeps the
 * library working when a user forgets {@code --add-modules jdk.incubator.vector}.
 *
 * <p>The system property {@code vectorcnn.species} selects the path: {@code preferred} (default,
 * the widest species the CPU runs natively), {@code 128}, {@code 256}, {@code 512} (a fixed vector
 * width, for tests and benchmarks) or {@code scalar} (force the scalar path).
 */
public final class KernelBackend {

    /** The system property that selects the vector width or the scalar path. */
    public static final String SPECIES_PROPERTY = "vectorcnn.species";

    private static final String VECTOR_MODULE = "jdk.incubator.vector";
    private static final String REQUESTED = requested();
    private static final boolean VECTORIZED = decide();

    private KernelBackend() {
    }

    /**
     * {@value #SPECIES_PROPERTY} in lower case when it is one of the known values, else {@code preferred}.
     * A bad value is reported and ignored rather than thrown: an exception here would fail this class's
     * initialisation, and every later use of a kernel would then throw {@link NoClassDefFoundError}
     * without the cause.
     */
    private static String requested() {
        String value = System.getProperty(SPECIES_PROPERTY, "preferred");
        String requested = value.trim().toLowerCase(Locale.ROOT);
        return switch (requested) {
            case "preferred", "128", "256", "512", "scalar" -> requested;
            default -> {
                System.getLogger("dev.vectorcnn.kernels").log(Level.WARNING, "vectorcnn: ignoring -D"
                        + SPECIES_PROPERTY + "=" + value + " (it must be one of preferred, 128, 256, 512, scalar); "
                        + "using preferred");
                yield "preferred";
            }
        };
    }

    private static boolean decide() {
        if (REQUESTED.equals("scalar")) {
            return false;
        }
        if (ModuleLayer.boot().findModule(VECTOR_MODULE).isEmpty()) {
            System.getLogger("dev.vectorcnn.kernels").log(Level.WARNING,
                    "vectorcnn: " + VECTOR_MODULE + " is not available, so the kernels run on their slow "
                            + "scalar path. Add --add-modules " + VECTOR_MODULE + " to the java command.");
            return false;
        }
        return true;
    }

    /**
     * Whether the kernels run on the Vector API (otherwise on their scalar references).
     *
     * @return {@code true} on the Vector API path, {@code false} on the scalar path; fixed for the JVM's lifetime
     */
    public static boolean isVectorized() {
        return VECTORIZED;
    }

    /** The requested species: {@code preferred}, {@code 128}, {@code 256}, {@code 512} or {@code scalar}. */
    static String requestedSpecies() {
        return REQUESTED;
    }

    /**
     * A one-line description of the active path, e.g. {@code "vector 512-bit"} or {@code "scalar"}.
     *
     * @return {@code "vector N-bit"}, N being the vector width in bits, or {@code "scalar"}
     */
    public static String describe() {
        return VECTORIZED ? "vector " + VectorSpeciesChoice.bits() + "-bit" : "scalar";
    }
}
