using Microsoft.AspNetCore.Components.Endpoints;
using Microsoft.AspNetCore.Routing.Matching;

namespace AgentOps.Web.Http;

/// <summary>
/// Some paths are both an API resource and a page (GET /agents/policies is the JSON list and the Policies page).
/// When a request matches both, a browser asking for HTML gets the page and every other client the API, instead of
/// an ambiguous match. Paths served by only one of them are untouched.
/// </summary>
public sealed class PageOrApiMatcherPolicy : MatcherPolicy, IEndpointSelectorPolicy
{
    // After the HTTP method policy, so only endpoints that take the request's method are weighed.
    public override int Order => 1000;

    public bool AppliesToEndpoints(IReadOnlyList<Endpoint> endpoints) => endpoints.Any(IsPage) && endpoints.Any(e => !IsPage(e));

    public Task ApplyAsync(HttpContext httpContext, CandidateSet candidates)
    {
        bool? anyPage = null, anyApi = null;
        for (var i = 0; i < candidates.Count; i++)
        {
            if (!candidates.IsValidCandidate(i)) continue;
            if (IsPage(candidates[i].Endpoint)) anyPage = true;
            else anyApi = true;
        }
        if (anyPage != true || anyApi != true) return Task.CompletedTask;
        var wantsPage = WantsHtml(httpContext.Request);
        for (var i = 0; i < candidates.Count; i++)
        {
            if (candidates.IsValidCandidate(i) && IsPage(candidates[i].Endpoint) != wantsPage) candidates.SetValidity(i, false);
        }
        return Task.CompletedTask;
    }

    private static bool IsPage(Endpoint endpoint) => endpoint.Metadata.GetMetadata<ComponentTypeMetadata>() is not null;

    private static bool WantsHtml(HttpRequest request) =>
        request.Headers.Accept.Any(value => value?.Contains("text/html", StringComparison.OrdinalIgnoreCase) == true);
}
