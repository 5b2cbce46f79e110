using Microsoft.Playwright;

namespace AgentOps.Tests.Ui;

internal static class Screenshots
{
    /// <summary>Screenshots go where AGENTOPS_SCREENSHOTS says (docs/ when refreshing them), else next to the test results.</summary>
    public static async Task SaveAsync(IPage page, string name)
    {
        var folder = Environment.GetEnvironmentVariable("AGENTOPS_SCREENSHOTS") is { Length: > 0 } configured
            ? configured : Path.Combine(Path.GetTempPath(), "agentops-screenshots");
        Directory.CreateDirectory(folder);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(folder, name), FullPage = false });
    }
}
