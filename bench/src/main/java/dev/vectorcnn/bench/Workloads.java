package dev.vectorcnn.bench;

import java.util.Map;

/**
 * How much work one operation of each benchmark does, so that the report can turn JMH's ops/s into
 * GFLOP/s, GB/s or images/s. One entry per benchmark class; a class without one is reported in ops/s.
 */
final class Workloads {

    private Workloads() {
    }

    /** Work done per benchmark operation and the unit its rate is reported in. */
    record Work(double perOp, String unit, double unitScale) {
        static Work flops(double flops) {
            return new Work(flops, "GFLOP/s", 1e9);
        }

        static Work bytes(double bytes) {
            return new Work(bytes, "GB/s", 1e9);
        }

        static Work images(double images) {
            return new Work(images, "images/s", 1);
        }

        static Work ops() {
            return new Work(1, "ops/s", 1);
        }

        double rate(double opsPerSecond) {
            return opsPerSecond * perOp / unitScale;
        }
    }

    /**
     * @param benchmarkClass simple name of the JMH class
     * @param operation      the method name without its implementation prefix (may be empty)
     * @param params         the JMH parameters of the run
     */
    static Work of(String benchmarkClass, String operation, Map<String, String> params) {
        return switch (benchmarkClass) {
            case "FmaPeakBench" -> Work.flops(FmaPeakBench.flopsPerOp());
            case "GemmBench" -> Work.flops(GemmShape.valueOf(params.get("shape")).flops());
            case "ConvBench" -> Work.flops(ConvLayer.valueOf(params.get("layer")).flopsPerPass()
                    * (operation.equals("backward") ? 2 : 1));
            case "DenseBench" -> Work.flops(DenseBench.flopsPerPass() * (operation.equals("backward") ? 2 : 1));
            // Only the forward pass is rated by the input it reads; the forward + backward rows,
            // which move about 2.6 times those bytes, are reported by time per call alone.
            case "PoolBench" -> operation.equals("maxPoolForward") ? Work.bytes(PoolBench.inputBytes()) : Work.ops();
            case "MnistTrainingBench" -> Work.images(MnistTrainingBench.imagesPerOp(operation));
            default -> Work.ops();
        };
    }
}
