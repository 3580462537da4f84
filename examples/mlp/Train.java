import java.util.Locale;
import java.util.Random;

/**
 * A one-hidden-layer neural network (tanh) that learns to tell two interleaved spirals apart,
 * in plain Java with nothing to download. Run: java Train.java
 *
 * Deterministic: the same constants give the same numbers on every run and every JVM (seeded
 * RNG, fixed epochs, StrictMath). Prints one line per epoch, then "val_loss: ..." and
 * "val_accuracy: ..." for Helix to parse.
 */
public class Train {

    // ---- tunable: Helix's tune backend rewrites these lines (helix.yaml, search.parameters) ----
    static final double LEARNING_RATE = 0.002;
    static final int HIDDEN = 4;
    static final double L2 = 0.01;
    static final int BATCH_SIZE = 64;
    static final double INIT_SCALE = 0.1;

    // ---- fixed: the task and the budget ----
    static final int EPOCHS = 100;
    static final double MOMENTUM = 0.9;
    static final int POINTS = 1000;
    static final double VALIDATION_FRACTION = 0.2;
    static final double TURNS = 1.25;
    static final double NOISE = 0.06;
    static final long SEED = 20240611L;

    public static void main(String[] args) {
        long started = System.nanoTime();
        Random rnd = new Random(SEED);

        // two spirals, one per class, with gaussian noise
        double[][] x = new double[POINTS][2];
        int[] y = new int[POINTS];
        for (int i = 0; i < POINTS; i++) {
            int c = i % 2;
            double t = rnd.nextDouble();
            double r = 0.15 + 0.85 * t;
            double a = TURNS * 2 * Math.PI * t + c * Math.PI;
            x[i][0] = r * StrictMath.cos(a) + NOISE * rnd.nextGaussian();
            x[i][1] = r * StrictMath.sin(a) + NOISE * rnd.nextGaussian();
            y[i] = c;
        }
        int[] order = permutation(POINTS, rnd);
        int nVal = (int) Math.round(POINTS * VALIDATION_FRACTION);
        int nTrain = POINTS - nVal;
        int[] train = new int[nTrain];
        int[] val = new int[nVal];
        System.arraycopy(order, 0, train, 0, nTrain);
        System.arraycopy(order, nTrain, val, 0, nVal);

        // parameters: w1 [HIDDEN][2], b1 [HIDDEN], w2 [HIDDEN], b2
        double[][] w1 = new double[HIDDEN][2];
        double[] b1 = new double[HIDDEN];
        double[] w2 = new double[HIDDEN];
        double[] b2 = new double[1];
        for (int j = 0; j < HIDDEN; j++) {
            w1[j][0] = INIT_SCALE * rnd.nextGaussian();
            w1[j][1] = INIT_SCALE * rnd.nextGaussian();
            w2[j] = INIT_SCALE * rnd.nextGaussian();
        }
        // momentum buffers and gradients
        double[][] vw1 = new double[HIDDEN][2], gw1 = new double[HIDDEN][2];
        double[] vb1 = new double[HIDDEN], gb1 = new double[HIDDEN];
        double[] vw2 = new double[HIDDEN], gw2 = new double[HIDDEN];
        double vb2 = 0;
        double[] h = new double[HIDDEN];

        System.out.printf(Locale.ROOT, "spirals: %d train, %d validation; hidden %d, lr %s, l2 %s, batch %d, init %s%n",
                nTrain, nVal, HIDDEN, LEARNING_RATE, L2, BATCH_SIZE, INIT_SCALE);
        double valLoss = Double.NaN, valAcc = 0;
        for (int epoch = 1; epoch <= EPOCHS; epoch++) {
            shuffle(train, rnd);
            double trainLoss = 0;
            for (int start = 0; start < nTrain; start += BATCH_SIZE) {
                int end = Math.min(nTrain, start + BATCH_SIZE);
                for (int j = 0; j < HIDDEN; j++) {
                    gw1[j][0] = gw1[j][1] = gb1[j] = gw2[j] = 0;
                }
                double gb2 = 0;
                for (int k = start; k < end; k++) {
                    double[] xi = x[train[k]];
                    double z = forward(xi, w1, b1, w2, b2[0], h);
                    trainLoss += loss(z, y[train[k]]);
                    double dz = sigmoid(z) - y[train[k]];
                    gb2 += dz;
                    for (int j = 0; j < HIDDEN; j++) {
                        gw2[j] += dz * h[j];
                        double dh = dz * w2[j] * (1 - h[j] * h[j]);
                        gw1[j][0] += dh * xi[0];
                        gw1[j][1] += dh * xi[1];
                        gb1[j] += dh;
                    }
                }
                double n = end - start;
                for (int j = 0; j < HIDDEN; j++) {
                    vw2[j] = MOMENTUM * vw2[j] - LEARNING_RATE * (gw2[j] / n + L2 * w2[j]);
                    w2[j] += vw2[j];
                    for (int d = 0; d < 2; d++) {
                        vw1[j][d] = MOMENTUM * vw1[j][d] - LEARNING_RATE * (gw1[j][d] / n + L2 * w1[j][d]);
                        w1[j][d] += vw1[j][d];
                    }
                    vb1[j] = MOMENTUM * vb1[j] - LEARNING_RATE * gb1[j] / n;
                    b1[j] += vb1[j];
                }
                vb2 = MOMENTUM * vb2 - LEARNING_RATE * gb2 / n;
                b2[0] += vb2;
            }
            trainLoss /= nTrain;

            valLoss = 0;
            int correct = 0;
            for (int i : val) {
                double z = forward(x[i], w1, b1, w2, b2[0], h);
                valLoss += loss(z, y[i]);
                if ((z > 0 ? 1 : 0) == y[i]) correct++;
            }
            valLoss /= nVal;
            valAcc = (double) correct / nVal;
            System.out.printf(Locale.ROOT, "epoch %3d/%d  train_loss %.4f  val_loss %.4f  val_acc %.3f%n",
                    epoch, EPOCHS, trainLoss, valLoss, valAcc);
            if (!Double.isFinite(trainLoss) || !Double.isFinite(valLoss)) {
                System.out.println("diverged: the loss is not finite (learning rate too high?)");
                break;
            }
        }
        // Helix reads these two lines; a diverged run prints nan, which Helix records as a crash
        System.out.println("val_loss: " + (Double.isFinite(valLoss) ? String.format(Locale.ROOT, "%.6f", valLoss) : "nan"));
        System.out.println(String.format(Locale.ROOT, "val_accuracy: %.4f", valAcc));
        System.out.println(String.format(Locale.ROOT, "train_seconds: %.2f", (System.nanoTime() - started) / 1e9));
    }

    /** The output logit; fills h with the hidden activations. */
    static double forward(double[] xi, double[][] w1, double[] b1, double[] w2, double b2, double[] h) {
        double z = b2;
        for (int j = 0; j < h.length; j++) {
            h[j] = StrictMath.tanh(w1[j][0] * xi[0] + w1[j][1] * xi[1] + b1[j]);
            z += w2[j] * h[j];
        }
        return z;
    }

    static double sigmoid(double z) {
        return z >= 0 ? 1 / (1 + StrictMath.exp(-z)) : StrictMath.exp(z) / (1 + StrictMath.exp(z));
    }

    /** Binary cross-entropy of a logit, computed stably. */
    static double loss(double z, int label) {
        return Math.max(z, 0) - z * label + StrictMath.log1p(StrictMath.exp(-Math.abs(z)));
    }

    static int[] permutation(int n, Random rnd) {
        int[] p = new int[n];
        for (int i = 0; i < n; i++) p[i] = i;
        shuffle(p, rnd);
        return p;
    }

    static void shuffle(int[] a, Random rnd) {
        for (int i = a.length - 1; i > 0; i--) {
            int j = rnd.nextInt(i + 1);
            int t = a[i];
            a[i] = a[j];
            a[j] = t;
        }
    }
}
