package dev.corral.server.clusters;

import static java.util.Objects.requireNonNull;

/** The cluster feature as the HTTP adapter calls it: one service per job. */
public record ClusterServices(QuoteService quotes, DeployService deploys, ClusterViews views, ClusterControl control,
        AgentWork work, RankReports reports) {
    public ClusterServices {
        requireNonNull(quotes, "quotes is null");
        requireNonNull(deploys, "deploys is null");
        requireNonNull(views, "views is null");
        requireNonNull(control, "control is null");
        requireNonNull(work, "work is null");
        requireNonNull(reports, "reports is null");
    }
}
