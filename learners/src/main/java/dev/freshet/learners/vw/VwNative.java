package dev.freshet.learners.vw;

import dev.freshet.core.error.CorruptDataException;
import vowpalWabbit.learner.VWActionProbsLearner;
import vowpalWabbit.learner.VWLearner;
import vowpalWabbit.learner.VWLearners;
import vowpalWabbit.learner.VWScalarLearner;
import vowpalWabbit.responses.ActionProb;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * One native VW instance: every call Freshet makes into the vw-jni library is in this class.
 *
 * <p>The library throws checked {@link Exception}s from native code without declaring them (a bad
 * option, a model it cannot read); they are caught here and turned into Freshet's exceptions.
 * {@link #close()} is idempotent and thread-safe (the library locks around it and around every
 * prediction).
 *
 * <p>An instance is either a binary classifier (one score per line, for {@link VwLearner}) or a
 * contextual bandit over {@code --cb_explore_adf} (a probability per action of a multiline example,
 * for the bandits module); the public methods are those of the contextual bandit.
 */
public final class VwNative implements AutoCloseable {

    /** What a VW instance must predict, with the advice given when its options make something else. */
    private enum Kind {
        SCALAR(VWScalarLearner.class, "binary classifier with one score per example; remove multi-class or "
                + "contextual-bandit options such as --oaa or --cb"),
        ACTION_PROBS(VWActionProbsLearner.class, "contextual bandit with a probability per action; use --cb_explore_adf");

        private final Class<? extends VWLearner> type;
        private final String need;

        Kind(Class<? extends VWLearner> type, String need) {
            this.type = type;
            this.need = need;
        }
    }

    private final VWLearner vw;

    private VwNative(VWLearner vw) {
        this.vw = vw;
    }

    /**
     * A new VW instance.
     *
     * @param arguments the complete option string VW gets
     * @throws IllegalArgumentException when VW rejects the options or they do not make a binary classifier
     */
    static VwNative create(String arguments) {
        return create(arguments, Kind.SCALAR);
    }

    /**
     * A new contextual bandit: VW with {@code --cb_explore_adf} among its options.
     *
     * @param arguments the complete option string VW gets
     * @throws IllegalArgumentException when VW rejects the options or they do not make a learner that
     *                                  predicts action probabilities
     */
    public static VwNative createContextualBandit(String arguments) {
        return create(arguments, Kind.ACTION_PROBS);
    }

    /**
     * A contextual bandit that continues from a saved model, as {@link #load(String, byte[])} does for a
     * binary classifier.
     *
     * @throws CorruptDataException when VW cannot load the model
     */
    public static VwNative loadContextualBandit(String arguments, byte[] model) {
        return load(arguments, model, Kind.ACTION_PROBS);
    }

    private static VwNative create(String arguments, Kind kind) {
        VWLearner created;
        try {
            created = VWLearners.create(arguments);
        } catch (Exception e) {
            throw new IllegalArgumentException("VW rejected the options \"" + arguments + "\": " + e.getMessage(), e);
        }
        return checked(created, arguments, kind);
    }

    /**
     * A VW instance that continues from a saved model. The model is written to a temporary file for
     * VW to read, and the file is deleted whatever happens.
     *
     * @param arguments the option string the model was created with; VW needs the options it does not
     *                  store in the model file (such as the loss function and learning rates) and
     *                  accepts those it does store (such as {@code -b}, {@code -q} and {@code --link})
     *                  when their values agree
     * @throws CorruptDataException when VW cannot load the model
     */
    static VwNative load(String arguments, byte[] model) {
        return load(arguments, model, Kind.SCALAR);
    }

    private static VwNative load(String arguments, byte[] model, Kind kind) {
        Path file = temporaryFile();
        try {
            Files.write(file, model);
            String withModel = arguments + " -i " + file;
            VWLearner created;
            try {
                created = VWLearners.create(withModel);
            } catch (Exception e) {
                throw new CorruptDataException("VW could not load the model of a snapshot (" + model.length
                        + " bytes) with options \"" + arguments + "\": " + e.getMessage(), e);
            }
            return checked(created, withModel, kind);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write VW's model to the temporary file " + file, e);
        } finally {
            delete(file);
        }
    }

    /** Closes what VW made when it is not the kind of learner Freshet needs, so nothing leaks. */
    private static VwNative checked(VWLearner created, String arguments, Kind kind) {
        if (kind.type.isInstance(created)) {
            return new VwNative(created);
        }
        String made = created.getClass().getSimpleName();
        closeQuietly(created);
        throw new IllegalArgumentException("VW options \"" + arguments + "\" make a " + made + ", but Freshet needs a " + kind.need);
    }

    /** VW's prediction for a line of its text format. */
    float predict(String line) {
        try {
            return ((VWScalarLearner) vw).predict(line);
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException("VW failed to predict the example \"" + line + "\": " + e.getMessage(), e);
        }
    }

    /** Learns a labelled line and returns VW's prediction for it from before the update. */
    float learn(String line) {
        try {
            return ((VWScalarLearner) vw).learn(line);
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException("VW failed to learn the example \"" + line + "\": " + e.getMessage(), e);
        }
    }

    /**
     * A contextual bandit's probability for each action of a multiline example, by action index (the
     * order of the action lines, after the shared line). VW itself returns them sorted by probability.
     *
     * @param lines   the shared line, then one line per action
     * @param actions how many action lines there are
     * @throws IllegalStateException when VW fails, or names an action index outside {@code 0..actions-1}
     */
    public double[] actionProbabilities(String[] lines, int actions) {
        ActionProb[] predicted;
        try {
            predicted = ((VWActionProbsLearner) vw).predict(lines).getActionProbs();
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException("VW failed to predict the example " + String.join(" / ", lines) + ": " + e.getMessage(), e);
        }
        double[] p = new double[actions];
        for (ActionProb ap : predicted) {
            if (ap.getAction() < 0 || ap.getAction() >= actions) {
                throw new IllegalStateException("VW gave a probability to action " + ap.getAction() + " of an example with "
                        + actions + " actions");
            }
            p[ap.getAction()] = ap.getProbability();
        }
        return p;
    }

    /** Learns a labelled multiline example of a contextual bandit (the shared line, then action lines). */
    public void learnActions(String[] lines) {
        try {
            ((VWActionProbsLearner) vw).learn(lines);
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException("VW failed to learn the example " + String.join(" / ", lines) + ": " + e.getMessage(), e);
        }
    }

    /** The model file VW writes (with its learning state, so learning can resume from it). */
    public byte[] model() {
        Path file = temporaryFile();
        try {
            try {
                vw.saveModel(file.toFile());
            } catch (RuntimeException e) {
                throw e;
            } catch (Exception e) {
                throw new IllegalStateException("VW failed to save its model to " + file + ": " + e.getMessage(), e);
            }
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read VW's model from the temporary file " + file, e);
        } finally {
            delete(file);
        }
    }

    @Override
    public void close() {
        try {
            vw.close();
        } catch (IOException e) {
            throw new UncheckedIOException("VW failed to release its native instance", e);
        }
    }

    private static void closeQuietly(VWLearner learner) {
        try {
            learner.close();
        } catch (IOException | RuntimeException e) {
            // the creation error is the one to report; a failing close adds nothing the caller can act on
        }
    }

    private static Path temporaryFile() {
        Path file;
        try {
            file = Files.createTempFile("freshet-vw-", ".model");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a temporary file for VW's model", e);
        }
        // VW splits its option string on whitespace, so "-i path" cannot hold a path with a space
        if (file.toString().chars().anyMatch(Character::isWhitespace)) {
            delete(file);
            throw new IllegalStateException("the temporary directory " + file.getParent() + " has whitespace in its "
                    + "path, which VW's -i option cannot hold; set java.io.tmpdir to a directory without it");
        }
        return file;
    }

    private static void delete(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            // a leftover temporary file is harmless, and failing here would hide the real result
        }
    }
}
