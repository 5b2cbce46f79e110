using Microsoft.Playwright;

namespace AgentOps.Tests.Ui;

/// <summary>The machine's own headless Chromium (AGENTOPS_CHROMIUM, else /usr/bin/chromium): no browser download.</summary>
internal static class SystemChromium
{
    public static Task<IBrowser> LaunchAsync(IPlaywright playwright)
    {
        var chromium = Environment.GetEnvironmentVariable("AGENTOPS_CHROMIUM") is { Length: > 0 } configured ? configured : "/usr/bin/chromium";
        Assert.True(File.Exists(chromium), $"Chromium is needed for this test and was not found at {chromium} (./test.sh installs Debian's chromium).");
        return playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = chromium,
            Headless = true,
            Args = ["--no-sandbox", "--disable-dev-shm-usage"],
        });
    }
}
