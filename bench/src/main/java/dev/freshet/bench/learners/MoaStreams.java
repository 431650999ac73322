package dev.freshet.bench.learners;

import com.yahoo.labs.samoa.instances.Attribute;
import com.yahoo.labs.samoa.instances.Instance;
import com.yahoo.labs.samoa.instances.InstancesHeader;
import dev.freshet.core.feature.FeatureRef;
import dev.freshet.learners.Example;
import dev.freshet.learners.ExampleLayout;
import moa.streams.InstanceStream;
import moa.streams.generators.AgrawalGenerator;
import moa.streams.generators.HyperplaneGenerator;
import moa.streams.generators.SEAGenerator;

import java.util.ArrayList;
import java.util.List;

/**
 * MOA's synthetic binary streams, drawn into memory and converted into Freshet examples.
 *
 * <p>Numeric attributes are standardised in place (mean 0, standard deviation 1, from the whole
 * generated stream) before either side sees them, so MOA's learners and ours get the same values: FTRL
 * and SGD need inputs of similar scale (Agrawal's salary runs to 150,000), trees do not care. Each
 * numeric attribute becomes a numeric slot, each nominal attribute a categorical slot whose value is
 * the nominal value's label; all slots are features of one view, {@code x}.
 */
final class MoaStreams {

    private MoaStreams() {
    }

    /** Hyperplane, 10 attributes, drifting (magChange 0.001 on 2 attributes), 5 % label noise. */
    static LabelledStream hyperplane(int n, int seed) {
        HyperplaneGenerator g = new HyperplaneGenerator();
        g.numAttsOption.setValue(10);
        g.magChangeOption.setValue(0.001);
        g.noisePercentageOption.setValue(5);
        g.instanceRandomSeedOption.setValue(seed);
        return draw("hyperplane", "HyperplaneGenerator -a 10 -k " + g.numDriftAttsOption.getValue() + " -t 0.001 -n 5 -i " + seed, g, n);
    }

    /** SEA concepts, function 1, 10 % label noise. */
    static LabelledStream sea(int n, int seed) {
        SEAGenerator g = new SEAGenerator();
        g.functionOption.setValue(1);
        g.noisePercentageOption.setValue(10);
        g.instanceRandomSeedOption.setValue(seed);
        return draw("sea", "SEAGenerator -f 1 -n 10 -i " + seed, g, n);
    }

    /** Agrawal, function 7 (a linear function of salary, commission and loan), perturbation 0.05. */
    static LabelledStream agrawal(int n, int seed) {
        AgrawalGenerator g = new AgrawalGenerator();
        g.functionOption.setValue(7);
        g.peturbFractionOption.setValue(0.05);
        g.instanceRandomSeedOption.setValue(seed);
        return draw("agrawal", "AgrawalGenerator -f 7 -p 0.05 -i " + seed, g, n);
    }

    private static LabelledStream draw(String name, String description, InstanceStream generator, int n) {
        ((moa.options.OptionHandler) generator).prepareForUse();
        InstancesHeader header = generator.getHeader();
        Instance[] instances = new Instance[n];
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            instances[i] = generator.nextInstance().getData();
            labels[i] = (int) instances[i].classValue();
        }
        standardise(header, instances);
        ExampleLayout layout = layout(header);
        Example[] examples = new Example[n];
        for (int i = 0; i < n; i++) {
            examples[i] = toExample(header, instances[i], layout);
        }
        return new LabelledStream(name, description + "; numeric attributes standardised", header, instances, layout, examples, labels);
    }

    private static void standardise(InstancesHeader header, Instance[] instances) {
        for (int a = 0; a < header.numAttributes(); a++) {
            if (a == header.classIndex() || !header.attribute(a).isNumeric()) {
                continue;
            }
            double sum = 0;
            double squares = 0;
            for (Instance inst : instances) {
                sum += inst.value(a);
                squares += inst.value(a) * inst.value(a);
            }
            double mean = sum / instances.length;
            double sd = Math.sqrt(Math.max(squares / instances.length - mean * mean, 0));
            double scale = sd > 0 ? 1 / sd : 1;
            for (Instance inst : instances) {
                inst.setValue(a, (inst.value(a) - mean) * scale);
            }
        }
    }

    private static ExampleLayout layout(InstancesHeader header) {
        List<FeatureRef> features = new ArrayList<>();
        for (int a = 0; a < header.numAttributes(); a++) {
            if (a != header.classIndex()) {
                features.add(new FeatureRef("x", header.attribute(a).name()));
            }
        }
        return ExampleLayout.of(features, List.of(), List.of());
    }

    private static Example toExample(InstancesHeader header, Instance inst, ExampleLayout layout) {
        Example e = layout.newExample();
        int slot = 0;
        for (int a = 0; a < header.numAttributes(); a++) {
            if (a == header.classIndex()) {
                continue;
            }
            Attribute att = header.attribute(a);
            if (att.isNominal()) {
                e.setCategory(slot, att.value((int) inst.value(a)));
            } else {
                e.setNumber(slot, inst.value(a));
            }
            slot++;
        }
        return e;
    }
}
