package dev.freshet.core.definition;

import java.util.List;

/**
 * How an interaction names one of a model's inputs: by the input's full name ({@code view:feature},
 * or a context field), or a feature by its short name ({@code feature}) when no other feature of the
 * model has that short name. Shared by configuration validation and the learners' example layout, so
 * that a configuration that validates always builds.
 */
public final class ModelInputs {

    /**
     * The input an interaction names.
     *
     * @param index       the input's position, or -1 when none matches
     * @param ambiguousAt the position of a second input the name matches as well, or -1
     */
    public record Resolution(int index, int ambiguousAt) {
    }

    private ModelInputs() {
    }

    /**
     * Resolves a name among inputs listed features first.
     *
     * @param names        every input's full name
     * @param shortNames   every input's short name (a context field's is its name)
     * @param featureCount how many of the inputs, from the first, are features
     */
    public static Resolution resolve(List<String> names, List<String> shortNames, int featureCount, String name) {
        int found = -1;
        for (int i = 0; i < names.size(); i++) {
            boolean match = names.get(i).equals(name) || (i < featureCount && shortNames.get(i).equals(name));
            if (match) {
                if (found >= 0 && !names.get(found).equals(name)) {
                    return new Resolution(found, i);
                }
                if (found < 0 || names.get(i).equals(name)) {
                    found = i;
                }
            }
        }
        return new Resolution(found, -1);
    }
}
