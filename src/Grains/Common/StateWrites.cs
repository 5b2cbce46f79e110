using Microsoft.Extensions.Logging;

namespace AgentOps.Common;

/// <summary>
/// The one way grains handle a state write that fails: the activation is discarded, because its memory now holds
/// changes storage may not have (or may have: the write's outcome is unknown). The caller gets the error; the next
/// activation reads storage and continues from what is really there. No grain restores fields by hand.
/// </summary>
public static class StateWrites
{
    public static async Task WriteOrDiscardAsync<T>(this IPersistentState<T> state, IGrainContext grain, ILogger logger)
    {
        try
        {
            await state.WriteStateAsync();
        }
        catch (Exception e)
        {
            Discard(grain, logger, e);
            throw;
        }
    }

    /// <summary>Deactivates <paramref name="grain"/> after a failed write, so that its next activation reloads storage.</summary>
    public static void Discard(IGrainContext grain, ILogger logger, Exception error)
    {
        logger.LogError(error, "State write of {Grain} failed; discarding the activation so the next one reloads from storage", grain.GrainId);
        grain.Deactivate(new DeactivationReason(DeactivationReasonCode.ApplicationError, error, "A state write failed; memory may differ from storage."));
    }
}
