package dev.freshet.bench.learners;

import com.yahoo.labs.samoa.instances.Attribute;
import com.yahoo.labs.samoa.instances.DenseInstance;
import com.yahoo.labs.samoa.instances.Instance;
import com.yahoo.labs.samoa.instances.Instances;
import com.yahoo.labs.samoa.instances.InstancesHeader;
import dev.freshet.core.feature.FeatureRef;
import dev.freshet.learners.Example;
import dev.freshet.learners.ExampleLayout;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * A synthetic click-through stream whose true model is known: four categorical inputs drawn with
 * Zipf-like frequencies (user of 100,000, item of 10,000, site of 1,000, hour of 24 uniform), and a
 * click with probability {@code sigmoid(bias + u[user] + i[item] + s[site] + h[hour] + x[user, item])},
 * where every effect is a fixed Gaussian draw, {@code x} one per (user, item) pair. The bias is chosen
 * for about 6 % positives. Seeded: the same arguments give the same stream.
 *
 * <p>Our learners see four categorical features, one view each ({@code user}, {@code ad} for the item,
 * {@code site}, {@code time}), and the interaction user × item; MOA sees four nominal attributes (its
 * learners model interactions their own way, by splits).
 */
final class CtrStream {

    static final int USERS = 100_000;
    static final int ITEMS = 10_000;
    static final int SITES = 1_000;
    static final int HOURS = 24;
    private static final double BIAS = -3.4;

    private CtrStream() {
    }

    static LabelledStream generate(int n, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        double[] userEffect = gaussians(random, USERS, 0.5);
        double[] itemEffect = gaussians(random, ITEMS, 0.5);
        double[] siteEffect = gaussians(random, SITES, 0.3);
        double[] userCdf = zipfCdf(USERS, 1.0);
        double[] itemCdf = zipfCdf(ITEMS, 1.0);
        double[] siteCdf = zipfCdf(SITES, 1.1);
        String[] users = names("u", USERS);
        String[] items = names("i", ITEMS);
        String[] sites = names("s", SITES);
        String[] hours = names("h", HOURS);
        long pairSeed = random.nextLong();

        InstancesHeader header = header(users, items, sites, hours);
        ExampleLayout layout = ExampleLayout.of(
                List.of(new FeatureRef("user", "user_id"), new FeatureRef("ad", "item_id"), new FeatureRef("site", "site_id"),
                        new FeatureRef("time", "hour")),
                List.of(), List.of(List.of("user_id", "item_id")));
        Instance[] instances = new Instance[n];
        Example[] examples = new Example[n];
        int[] labels = new int[n];
        for (int k = 0; k < n; k++) {
            int u = sample(random, userCdf);
            int i = sample(random, itemCdf);
            int s = sample(random, siteCdf);
            int h = random.nextInt(HOURS);
            double pairEffect = 0.8 * new SplittableRandom(pairSeed ^ (u * 0x9E3779B97F4A7C15L + i)).nextGaussian();
            double logit = BIAS + userEffect[u] + itemEffect[i] + siteEffect[s] + 0.3 * Math.sin(2 * Math.PI * h / HOURS) + pairEffect;
            labels[k] = random.nextDouble() < 1 / (1 + Math.exp(-logit)) ? 1 : 0;
            examples[k] = layout.newExample().setCategory(0, users[u]).setCategory(1, items[i]).setCategory(2, sites[s])
                    .setCategory(3, hours[h]);
            Instance inst = new DenseInstance(1.0, new double[] {u, i, s, h, labels[k]});
            inst.setDataset(header);
            instances[k] = inst;
        }
        String description = String.format("synthetic CTR, seed %d: user %,d (Zipf 1.0), item %,d (Zipf 1.0), site %,d (Zipf 1.1), hour 24;"
                + " logit = %.1f + N(0,0.5) user + N(0,0.5) item + N(0,0.3) site + 0.3 sin(hour) + N(0,0.8) user x item", seed,
                USERS, ITEMS, SITES, BIAS);
        return new LabelledStream("ctr", description, header, instances, layout, examples, labels);
    }

    private static InstancesHeader header(String[] users, String[] items, String[] sites, String[] hours) {
        List<Attribute> attributes = List.of(new Attribute("user_id", Arrays.asList(users)), new Attribute("item_id", Arrays.asList(items)),
                new Attribute("site_id", Arrays.asList(sites)), new Attribute("hour", Arrays.asList(hours)),
                new Attribute("click", List.of("0", "1")));
        Instances data = new Instances("ctr", new ArrayList<>(attributes), 0);
        data.setClassIndex(attributes.size() - 1);
        return new InstancesHeader(data);
    }

    private static double[] gaussians(SplittableRandom random, int n, double sd) {
        double[] out = new double[n];
        for (int k = 0; k < n; k++) {
            out[k] = sd * random.nextGaussian();
        }
        return out;
    }

    /** Cumulative weights 1/(rank+1)^exponent, for {@link #sample}. */
    private static double[] zipfCdf(int n, double exponent) {
        double[] cdf = new double[n];
        double total = 0;
        for (int k = 0; k < n; k++) {
            total += 1 / Math.pow(k + 1, exponent);
            cdf[k] = total;
        }
        return cdf;
    }

    private static int sample(SplittableRandom random, double[] cdf) {
        double x = random.nextDouble() * cdf[cdf.length - 1];
        int k = Arrays.binarySearch(cdf, x);
        return Math.min(k >= 0 ? k : -k - 1, cdf.length - 1);
    }

    private static String[] names(String prefix, int n) {
        String[] out = new String[n];
        for (int k = 0; k < n; k++) {
            out[k] = prefix + k;
        }
        return out;
    }
}
